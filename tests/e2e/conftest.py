"""Every end-to-end test runs on each Claude Code release of tests/e2e/claude.py's VERSIONS."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.claude import VERSIONS, find_claude


@pytest.fixture(scope="module", params=VERSIONS, ids=lambda v: f"claude-{v}")
def claude(request: pytest.FixtureRequest) -> Path:
    path, why = find_claude(request.param)
    if path is None:
        pytest.fail(why)  # .ci/run installs it; a missing Claude Code is a broken setup, not a reason to skip
    return path
