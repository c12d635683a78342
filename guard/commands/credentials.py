"""`guard credentials NAME`: the broker behind the isolated world's `credential_process` (guard.aws.identity.broker).

Prints the credential_process JSON on stdout and exits 0, or exits 1 at once with
the reason and the fix on stderr: it never prompts and never opens a browser.
The AWS CLI, boto3 and the other SDKs show that text when they fail.
"""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

    from guard.policy.model import Context


def run(profile: str, world: str | None, out: IO[str] = sys.stdout) -> int:
    from guard import wiring
    from guard.aws import world as worlds
    from guard.aws.identity import broker
    from guard.aws.identity.model import IdentityError
    from guard.errors import GuardError

    folder = world or worlds.default_folder(os.environ)
    if profile == worlds.UNNAMED:
        raise GuardError(_unnamed(wiring.context(None, worlds.real_environment(os.environ, folder), os.getcwd())))
    real = worlds.real_environment(os.environ, folder)
    # botocore reads this process's own environment (the world's, inherited from the aws process that runs the
    # broker): the broker resolves with the user's real setup, so that is the environment it runs in.
    os.environ.clear()
    os.environ.update(real)
    ctx = wiring.context(None, real, os.getcwd())
    try:
        answer = broker.serve(ctx, profile)
    except IdentityError as error:
        raise GuardError(f"credentials for profile {profile}: {error}" + (f"; {error.fix}" if error.fix else ""))
    out.write(broker.answer_text(answer))
    return 0


def _unnamed(ctx: Context) -> str:
    return ("no credentials: this call names no AWS profile, and the agent's AWS world (aws-guard) has no "
            "default. Name one of the policy's profiles: --profile NAME for the AWS CLI, profile_name='NAME' "
            f"for boto3, fromIni({{profile: 'NAME'}}) for the JavaScript SDK; allowed: {ctx.policy.allowed()}")
