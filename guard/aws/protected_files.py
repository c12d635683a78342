"""The AWS CLI's own files, which the agent has no business reading or re-pointing.

`~/.aws/credentials` holds keys, `~/.aws/config` decides which account a
profile reaches, `~/.aws/cli/cache` and `~/.aws/sso/cache` hold live session
credentials. Any path with a `.aws` component counts (`~/.aws/...`,
`$HOME/.aws/...`, `/home/me/.aws`, `.aws/credentials`, `C:\\Users\\me\\.aws`, `~/.AWS`), and so do the files
that AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name. The aws CLI itself
reads them by design; what is stopped is a command or tool naming them.
"""
from __future__ import annotations

import os

from guard.aws import variables

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Mapping

# A `.aws` path component, with / or \\ (Windows) around it, in any case (macOS and Windows file systems ignore
# case: ~/.AWS/credentials is the same file). Compiled by re's own cache on first use.
_COMPONENT = r"(?i)(?:^|[/\\~=:'\"\s*{,])\.aws(?:[/\\'\"*]|$)"


def configured(env: Mapping[str, str]) -> tuple[str, ...]:
    """Files the AWS CLI reads instead of ~/.aws when the environment says so."""
    named = [env[name] for name in variables.FILES if env.get(name)]
    return tuple(dict.fromkeys(named + [os.path.expanduser(path) for path in named]))  # as written, and expanded


def refers(text: str, extra: tuple[str, ...] = ()) -> bool:
    """Does this word, path or pattern name the AWS CLI's files?"""
    import re  # not at the top: the hook's fast path imports this module and must not pay for `re`

    if re.search(_COMPONENT, text):
        return True
    return any(path and path in text for path in extra)


def named_in(text: str, extra: tuple[str, ...]) -> bool:
    """Could this command text name one of `extra` (a cheap test before parsing)?"""
    return any(path in text for path in extra)


def message(what: str) -> str:
    return (f"`{what}` names the AWS CLI's credential or config files (~/.aws, or the files AWS_CONFIG_FILE and "
            "AWS_SHARED_CREDENTIALS_FILE name); the agent may not read or change them. Use `aws configure list "
            "--profile P` or `guard doctor` to inspect a profile")
