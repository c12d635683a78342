"""AG6xx: output that would hand the agent credentials or secrets."""
from __future__ import annotations

from guard.policy.rules.registry import SECRETS, deny, example, rule
from guard.policy.schema import pattern_matches

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.policy.model import CallInfo, Context
    from guard.policy.rules.registry import Judgement


@rule("AG601", "the output would hand the agent credentials or secrets", SECRETS,
      bad=(example("aws secretsmanager get-secret-value --secret-id s --profile Writer"),
           example("aws ssm get-parameter --name p --with-decryption --profile Writer"),
           example("aws ecr get-login-password --profile Writer"), example("aws eks get-token --cluster-name c --profile Writer"),
           example("aws rds generate-db-auth-token --hostname h --port 5432 --username u --profile Writer"),
           example("aws sts get-session-token --profile Writer"), example("aws configure get aws_secret_access_key --profile Writer"),
           example("aws iam create-access-key --user-name bob --profile Writer"), example("aws kms decrypt --ciphertext-blob x --profile Writer"),
           example("aws ec2 get-password-data --instance-id i-1 --profile Writer"),
           example("aws ssm get-parameters-by-path --path / --with-decryption --profile Patterned")),
      good=(example("aws ssm get-parameter --name p --profile Writer", "pass"),
            example("aws ssm get-parameter --name p --with-decryption --no-with-decryption --profile Writer", "pass"),
            example("aws configure get region --profile CustomerA", "pass"),
            example("aws ecr get-login-password --profile Patterned", "pass")))
def secret_output(info: CallInfo, ctx: Context) -> list[Judgement]:
    """Output that hands the agent credentials or secrets needs an explicit allow (no `*` in the operation)."""
    op = info.operation
    if not op.secret:
        return []
    entry = ctx.policy.entry(info.profile)
    named = [p for p in entry.allow if "*" not in p.split(":", 1)[1]] if entry else []
    if any(pattern_matches(p, op.service or "", op.name or "") for p in named):
        return []  # some allow pattern names the operation itself, wherever it stands in the list
    return deny(f"`{op.label}` would print credentials or secrets into the agent's context "
                f"({op.secret}); allow it explicitly with `{op.service}:{op.name}` under profile {info.profile}'s "
                "allow list if it is really needed")


@rule("AG602", "--debug prints request details, and on STS calls the secret key", SECRETS,
      bad=(example("aws s3 ls --profile CustomerA --debug"),),
      good=(example("aws s3 ls --profile CustomerA", "pass"),))
def debug_flag(info: CallInfo, ctx: Context) -> list[Judgement]:
    if "--debug" in info.call.flags:
        return deny(f"`{info.display}` uses --debug, which writes request details, and on STS calls "
                    "the secret access key, to stderr; drop --debug")
    return []
