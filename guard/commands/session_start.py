"""`guard session-start`: Claude Code's SessionStart hook, telling the agent the rules up front.

Claude Code adds a SessionStart hook's `additionalContext` to the session
(guard.claude.protocol.emit_context), so the agent knows before its first aws call that every call must name
`--profile` and which profiles it may use: fewer denials, fewer wasted turns.
It always exits 0; a broken policy is reported in the text itself.
"""
from __future__ import annotations

import os
import sys

from guard.claude import protocol
from guard.errors import GuardError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

    from guard.policy.schema import Policy


def briefing(policy: Policy) -> str:
    lines = ["AWS CLI calls in this session are checked by aws-guard before they run.",
             "- Every `aws` command must name its profile on its own command line: `--profile NAME` (surest), or "
             "`AWS_PROFILE=NAME aws ...`. An AWS_PROFILE inherited from the session and the default profile do "
             "not count.",
             "- Allowed profiles:"]
    for name, rule in sorted(policy.profiles.items()):
        account = f"account {rule.account}" if rule.account else "account checked with STS"
        extra = "".join(f"; {key} {', '.join(getattr(rule, key))}" for key in ("allow", "deny", "regions")
                        if getattr(rule, key))
        lines.append(f"  - {name}: {account}, {rule.access}{extra}")
    if policy.denied_accounts:
        lines.append(f"- Never use accounts {', '.join(sorted(policy.denied_accounts))}.")
    lines += [
        "- read-only profiles may only read (describe/get/list/head..., `s3 ls`, `s3 cp` from S3); ask-write "
        "profiles ask the user before changes.",
        "- Calls that print credentials or secrets (get-secret-value, ssm --with-decryption, get-login-password, "
        "get-session-token, configure get of keys...) are denied unless the policy allows them by name; never use "
        "--debug; never read or edit files under ~/.aws.",
        "- Write aws commands plainly: no computed command names, no `bash -c \"$VAR\"`, quote variables "
        "(\"s3://$BUCKET\"), never set AWS_ACCESS_KEY_ID, AWS_CONFIG_FILE or similar on the command line.",
        "- If a call is denied because a profile has no valid MFA session, ask the user to run "
        "`aws sts get-caller-identity --profile NAME` in their own terminal; do not try to work around the guard.",
    ]
    return "\n".join(lines)


def run(config: str | None, out: IO[str] = sys.stdout) -> int:
    from guard import wiring

    try:
        ctx = wiring.context(config, os.environ, os.getcwd())
        text = briefing(ctx.policy)
    except GuardError as error:
        text = (f"aws-guard could not load its policy ({error}); every aws call will be denied until the user "
                "fixes it. Tell the user.")
    return protocol.emit_context(out, text)
