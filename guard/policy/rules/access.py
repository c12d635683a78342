"""AG3xx: what a call may do in its account: access level, deny patterns, regions."""
from __future__ import annotations

from guard.aws import variables
from guard.aws.operations.classification import CHANGES, LOCAL_WRITE, NONE
from guard.policy.model import ASK
from guard.policy.rules.registry import ACCESS, ask, deny, example, rule

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.policy.model import CallInfo, Context
    from guard.policy.rules.registry import Judgement


@rule("AG301", "the operation exceeds the profile's access", ACCESS,
      bad=(example("aws s3 rm s3://b/k --profile CustomerA"), example("aws ec2 run-instances --profile CustomerA"),
           example("aws s3 cp ./f s3://b/f --profile CustomerA"), example("aws s3 rb s3://b --profile Asker", ASK),
           example("aws s3 mv s3://b/f ./f --profile CustomerA"), example("aws configure set region x --profile CustomerA"),
           example("aws eks update-kubeconfig --name c --profile CustomerA"),
           example("aws lightsail get-instance-access-details --instance-name i --profile CustomerA"),
           example("aws unknown-service do-thing --profile CustomerA"),
           example("aws ec2 frobnicate-instances --profile CustomerA")),
      good=(example("aws ec2 describe-instances --profile CustomerA", "pass"),
            example("aws s3 cp s3://b/f ./f --profile CustomerA", "pass"),
            example("aws s3 sync s3://b/logs ./logs --profile CustomerA", "pass"),
            example("aws ec2 wait instance-running --instance-ids i-1 --profile CustomerA", "pass"),
            example("aws configure list --profile CustomerA", "pass"),
            example("aws s3 rb s3://b --profile Writer", "pass"),
            example("aws ssm start-session --target i-1 --profile Patterned", "pass")))
def access_level(info: CallInfo, ctx: Context) -> list[Judgement]:
    """Read passes; a change is denied on read-only, asked on ask-write; an `allow` pattern lets it through."""
    entry = ctx.policy.entry(info.profile)
    op = info.operation
    if entry is None or op.kind not in CHANGES:
        return []
    if entry.matching("allow", op.service or "", op.name or "") is not None:
        return []
    change = "changes local configuration" if op.kind == LOCAL_WRITE else "may change something"
    if entry.access == "read-only":
        return deny(f"`{op.label}` {change}, and profile {info.profile} is read-only ({entry.origin})")
    if entry.access == "ask-write":
        return ask(f"`{op.label}` {change} in account {entry.account or '?'}: profile "
                   f"{info.profile} asks before writes ({entry.origin})")
    return []


@rule("AG302", "the operation matches a deny pattern of the profile", ACCESS,
      bad=(example("aws iam list-users --profile Patterned"), example("aws ec2 terminate-instances --profile Patterned")),
      good=(example("aws ec2 describe-vpcs --profile Patterned", "pass"),))
def denied_operation(info: CallInfo, ctx: Context) -> list[Judgement]:
    entry = ctx.policy.entry(info.profile)
    op = info.operation
    if entry is None or op.kind == NONE:
        return []
    hit = entry.matching("deny", op.service or "", op.name or "")
    if hit is not None:
        return deny(f"`{op.label}` matches deny pattern {hit[1]!r} of profile {info.profile} "
                    f"({entry.origin}.deny[{hit[0]}])")
    return []


@rule("AG303", "the call reaches a region outside the profile's regions", ACCESS,
      bad=(example("aws ec2 describe-vpcs --profile Patterned --region us-east-1"),
           example("AWS_REGION=us-east-1 aws ec2 describe-vpcs --profile Patterned"),
           example("aws ec2 describe-vpcs --profile Patterned", AWS_DEFAULT_REGION="us-west-2")),
      good=(example("aws ec2 describe-vpcs --profile Patterned --region eu-west-1", "pass"),
            example("aws ec2 describe-vpcs --profile Patterned", "pass")))
def region_outside(info: CallInfo, ctx: Context) -> list[Judgement]:
    entry = ctx.policy.entry(info.profile)
    if entry is None or entry.regions is None or info.operation.kind == NONE:
        return []
    found = _regions(info, ctx)
    if not found:
        return deny(f"`{info.display}` names no region and profile {info.profile} has none; "
                    f"add --region (allowed: {', '.join(entry.regions)})")
    outside = [f"{region} (from {where})" for region, where in found if region not in entry.regions]
    if outside:
        return deny(f"`{info.display}` would reach region {outside[0]}; profile {info.profile} "
                    f"may only reach {', '.join(entry.regions)} ({entry.origin}.regions)")
    return []


def _regions(info: CallInfo, ctx: Context) -> list[tuple[str, str]]:
    """Every region the call could use: --region wins; else AWS_REGION (v2) or AWS_DEFAULT_REGION (v1), else the
    profile's region. Both variables count when both are set, since the CLI versions differ."""
    option = info.call.options.get("--region")
    if option is not None:
        return [(option.shown, "--region")]
    found = []
    for name in variables.REGION:
        value, how = info.env(name, ctx.env)
        if value is not None and value.value != "":
            found.append((value.shown, f"{name} ({how})"))
    if found:
        return found
    resolved = ctx.aws.profiles.get(info.profile or "")
    region = resolved.get("region") if resolved is not None else None
    return [(region, f"the region of profile {info.profile}")] if region else []
