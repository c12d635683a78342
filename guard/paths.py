"""Where the user's files are: HOME as the AWS CLI reads it, and the XDG base directories."""
from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Mapping


def home(env: Mapping[str, str]) -> str:
    """The HOME the AWS CLI and Claude Code would use for this environment."""
    return env.get("HOME") or os.path.expanduser("~")


def xdg(variable: str, *fallback: str) -> str:
    """`$XDG_CACHE_HOME` and the like, or ~/<fallback>; a relative value is ignored, as the XDG spec says."""
    base = os.environ.get(variable, "")
    return base if os.path.isabs(base) else os.path.join(os.path.expanduser("~"), *fallback)
