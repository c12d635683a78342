"""guard.policy.schema: the policy's records and the `service:operation` pattern syntax."""
from __future__ import annotations

import pytest

from guard.policy.schema import pattern_matches


@pytest.mark.parametrize("pattern, service, operation, hit", [
    ("ec2:describe-*", "ec2", "describe-instances", True), ("ec2:describe-*", "ec2", "run-instances", False),
    ("iam:*", "iam", "create-user", True), ("*:list-*", "s3api", "list-buckets", True),
    ("s3:ls", "s3", "ls", True), ("s3:ls", "s3api", "ls", False),
])
def test_pattern_syntax(pattern: str, service: str, operation: str, hit: bool) -> None:
    assert pattern_matches(pattern, service, operation) is hit
