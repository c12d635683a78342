from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing import RULES_POLICY, Home, make_home


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """A seed ~/.aws in a temporary HOME; this process's environment points at it too."""
    made = make_home(tmp_path)
    for key in list(__import__("os").environ):
        if key.startswith(("AWS_", "CLAUDE_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(made.path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(made.path / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(made.path / ".state"))
    return made


@pytest.fixture
def rules_policy(home: Home) -> Path:
    return home.write_policy(RULES_POLICY, str(home.path / "rules-policy.yaml"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git project (with a subdirectory) to install the guard into."""
    from tests.testing import git_project

    return git_project(tmp_path / "project")


@pytest.fixture(scope="session")
def moto_server():
    from tests.testing import MotoServer

    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def sts(moto_server, home: Home, monkeypatch: pytest.MonkeyPatch):
    """A fresh moto STS, reached through the standard AWS_ENDPOINT_URL by guard and the AWS CLI alike."""
    moto_server.reset()
    home.env["AWS_ENDPOINT_URL"] = moto_server.url
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    return moto_server
