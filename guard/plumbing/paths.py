"""Where the user's files are: HOME as the AWS CLI reads it, and the XDG base directories.

Every function takes the environment it should read: the hook decides for the
environment Claude Code gave it, tests and `guard test` for theirs, and nothing
here looks at `os.environ` behind the caller's back.
"""
from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Mapping


def home(env: Mapping[str, str]) -> str:
    """The HOME the AWS CLI and Claude Code would use for this environment.

    As os.path.expanduser("~") reads it (which is how botocore finds ~/.aws),
    but from `env`: HOME when set, even empty ("/" then); without HOME, the
    user's entry in the password database.
    """
    if "HOME" in env:
        return env["HOME"].rstrip("/") or "/"
    import pwd

    return pwd.getpwuid(os.getuid()).pw_dir


def xdg(env: Mapping[str, str], variable: str, *fallback: str) -> str:
    """`$XDG_CACHE_HOME` and the like, or ~/<fallback>; a relative value is ignored, as the XDG spec says."""
    base = env.get(variable, "")
    return base if os.path.isabs(base) else os.path.join(home(env), *fallback)


def cache_dir(env: Mapping[str, str]) -> str:
    """The guard's cache: $XDG_CACHE_HOME/aws-guard (verdicts, parsed policies, bashlex's tables)."""
    return os.path.join(xdg(env, "XDG_CACHE_HOME", ".cache"), "aws-guard")


def state_dir(env: Mapping[str, str]) -> str:
    """The guard's state: $XDG_STATE_HOME/aws-guard (the audit log)."""
    return os.path.join(xdg(env, "XDG_STATE_HOME", ".local", "state"), "aws-guard")
