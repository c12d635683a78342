"""guard.aws.identity.cli_cache: the AWS CLI's cache of assumed-role sessions, read the way botocore writes it."""
from __future__ import annotations

import pytest

from guard.aws.identity import cli_cache


@pytest.mark.parametrize("text", ["2026-11-28T11:04:07Z", "2026-11-28T11:04:07.673970Z",
                                  "2026-11-28T11:04:07+00:00", "2026-11-28 11:04:07+00:00"])
def test_cache_expiration_formats(text: str) -> None:
    assert cli_cache.parse_expiration(text) == pytest.approx(1795863847, abs=1)
