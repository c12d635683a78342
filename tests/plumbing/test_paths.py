"""guard.plumbing.paths: HOME and the XDG base directories, read from the environment the caller gives."""
from __future__ import annotations

import os

import pytest

from guard.plumbing import paths


def test_home_is_the_environments_home() -> None:
    assert paths.home({"HOME": "/home/someone-else"}) == "/home/someone-else"
    assert paths.home({"HOME": "/Users/me/with space", "USER": "me"}) == "/Users/me/with space"


def test_xdg_honours_an_absolute_value() -> None:
    env = {"HOME": "/home/me", "XDG_CACHE_HOME": "/var/cache/me"}
    assert paths.xdg(env, "XDG_CACHE_HOME", ".cache") == "/var/cache/me"


@pytest.mark.parametrize("value", [None, "", "relative/cache", "./cache", "~/cache", ".cache"])
def test_xdg_ignores_a_missing_empty_or_relative_value(value: str | None) -> None:
    env = {"HOME": "/home/me"} if value is None else {"HOME": "/home/me", "XDG_STATE_HOME": value}
    assert paths.xdg(env, "XDG_STATE_HOME", ".local", "state") == "/home/me/.local/state"


def test_xdg_fallback_is_joined_under_home() -> None:
    env = {"HOME": "/home/me"}
    assert paths.xdg(env, "XDG_DATA_HOME", ".local", "share") == "/home/me/.local/share"
    assert paths.xdg(env, "XDG_CONFIG_HOME", ".config") == "/home/me/.config"


@pytest.mark.parametrize("env, cache, state", [
    ({"HOME": "/home/me"}, "/home/me/.cache/aws-guard", "/home/me/.local/state/aws-guard"),
    ({"HOME": "/home/me", "XDG_CACHE_HOME": "/tmp/c", "XDG_STATE_HOME": "/tmp/s"},
     "/tmp/c/aws-guard", "/tmp/s/aws-guard"),
    ({"HOME": "/home/me", "XDG_CACHE_HOME": "c", "XDG_STATE_HOME": "s"},
     "/home/me/.cache/aws-guard", "/home/me/.local/state/aws-guard"),
    ({"HOME": "/home/me", "XDG_CACHE_HOME": "/tmp/c"}, "/tmp/c/aws-guard", "/home/me/.local/state/aws-guard"),
])
def test_cache_and_state_directories(env: dict[str, str], cache: str, state: str) -> None:
    assert paths.cache_dir(env) == cache
    assert paths.state_dir(env) == state


def test_nothing_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/process")
    monkeypatch.setenv("XDG_CACHE_HOME", "/process/cache")
    monkeypatch.setenv("XDG_STATE_HOME", "/process/state")
    env = {"HOME": "/home/given"}  # differs from os.environ in every variable these functions read
    assert os.environ["HOME"] != env["HOME"]
    assert paths.home(env) == "/home/given"
    assert paths.xdg(env, "XDG_CACHE_HOME", ".cache") == "/home/given/.cache"
    assert paths.cache_dir(env) == "/home/given/.cache/aws-guard"
    assert paths.state_dir(env) == "/home/given/.local/state/aws-guard"
    given = {"HOME": "/home/given", "XDG_CACHE_HOME": "/given/cache", "XDG_STATE_HOME": "/given/state"}
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("XDG_STATE_HOME")
    assert paths.cache_dir(given) == "/given/cache/aws-guard"
    assert paths.state_dir(given) == "/given/state/aws-guard"


@pytest.mark.parametrize("env", [{}, {"HOME": ""}, {"HOME": "/home/u/"}, {"HOME": "/home/u"}])
def test_home_is_what_expanduser_would_make_of_this_environment(env: dict[str, str]) -> None:
    """botocore finds ~/.aws with os.path.expanduser, so the guard must read HOME exactly as it does."""
    import subprocess
    import sys

    expected = subprocess.run([sys.executable, "-c", "import os; print(os.path.expanduser('~'))"], env=env,
                              capture_output=True, text=True, check=True).stdout.strip()
    assert paths.home(env) == expected
