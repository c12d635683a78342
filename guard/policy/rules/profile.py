"""AG1xx: which profile a call uses, and whether the guard can tell."""
from __future__ import annotations

from guard.aws import variables
from guard.policy.rules.registry import PROFILE, deny, example, rule

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.policy.model import CallInfo, Context
    from guard.policy.rules.registry import Judgement
    from guard.shell.model import Word


def _add_profile_hint(info: CallInfo, ctx: Context) -> str:
    return f"add --profile NAME to `{info.display}` (allowed: {ctx.policy.allowed()})"


@rule("AG101", "the call names no profile explicitly", PROFILE,
      bad=(example("aws s3 ls"), example("cd /tmp && aws s3 ls | head"), example("aws s3 ls", AWS_PROFILE="CustomerA"),
           example("aws s3 ls --profile ''")),
      good=(example("aws s3 ls --profile CustomerA", "pass"), example("AWS_PROFILE=CustomerA aws s3 ls", "pass"),
            example("aws --version", "pass"), example("aws s3 help", "pass"), example("aws configure list-profiles", "pass")))
def no_explicit_profile(info: CallInfo, ctx: Context) -> list[Judgement]:
    if info.profile_word is not None and not info.profile_word.literal:
        return []  # named, but computed: AG102 says so
    if info.profile is None:
        return deny(f"the aws call names no profile: {_add_profile_hint(info, ctx)}")
    if info.profile_source.endswith("(environment)"):
        return deny(f"`{info.display}` would use {info.profile_source.split()[0]}={info.profile} "
                    f"inherited from Claude Code's environment; name it explicitly: add --profile {info.profile}")
    return []


@rule("AG102", "the profile is computed at run time", PROFILE,
      bad=(example('aws s3 ls --profile "$P"'), example("AWS_PROFILE=$(cat p) aws s3 ls")),
      good=(example("aws s3 ls --profile 'CustomerA'", "pass"),))
def computed_profile(info: CallInfo, ctx: Context) -> list[Judgement]:
    word = info.profile_word
    if word is not None and not word.literal:
        return deny(f"the profile `{word.text}` is computed at run time, so the guard cannot "
                    f"check it; write it literally ({_add_profile_hint(info, ctx)})")
    return []


@rule("AG103", "AWS_PROFILE and AWS_DEFAULT_PROFILE disagree", PROFILE,
      bad=(example("AWS_PROFILE=CustomerA AWS_DEFAULT_PROFILE=default aws s3 ls"),),
      good=(example("AWS_PROFILE=CustomerA AWS_DEFAULT_PROFILE=CustomerA aws s3 ls", "pass"),
            example("AWS_DEFAULT_PROFILE=default aws s3 ls --profile CustomerA", "pass")))
def ambiguous_profile(info: CallInfo, ctx: Context) -> list[Judgement]:
    if info.profile_source == "--profile":
        return []
    (a, _), (b, _) = (info.env(name, ctx.env) for name in variables.PROFILE)
    if a is not None and b is not None and a.value and b.value and a.value != b.value:
        return deny(f"AWS_PROFILE={a.shown} and AWS_DEFAULT_PROFILE={b.shown} disagree (CLI v2 "
                    "uses the first, v1 and boto3 the second); use --profile instead")
    return []


@rule("AG104", "environment keys beat AWS_PROFILE", PROFILE,
      bad=(example("AWS_PROFILE=CustomerA aws s3 ls", AWS_ACCESS_KEY_ID="AKIAEXAMPLE"),),
      good=(example("aws s3 ls --profile CustomerA", "pass", AWS_ACCESS_KEY_ID="AKIAEXAMPLE"),))
def env_keys_win(info: CallInfo, ctx: Context) -> list[Judgement]:
    """AWS_PROFILE does not switch off environment keys; --profile does (botocore credential chain)."""
    if info.profile is None or info.profile_source == "--profile":
        return []
    key, _ = info.env(variables.ACCESS_KEY_ID, ctx.env)
    if key is not None and key.value != "":
        return deny(f"AWS_ACCESS_KEY_ID is set, so `{info.display}` would run on those keys, not "
                    f"on profile {info.profile}: use --profile {info.profile} instead of {info.profile_source.split()[0]}")
    return []


@rule("AG105", "the command line sets identity variables, or drops the config files Claude Code's environment names",
      PROFILE,
      bad=(example("AWS_ACCESS_KEY_ID=AKIA1 AWS_SECRET_ACCESS_KEY=x aws s3 ls --profile CustomerA"),
           example("env AWS_CONFIG_FILE=/tmp/c aws s3 ls --profile CustomerA"),
           example("export AWS_SHARED_CREDENTIALS_FILE=/tmp/c; aws s3 ls --profile CustomerA"),
           example("unset AWS_CONFIG_FILE; aws s3 ls --profile CustomerA", AWS_CONFIG_FILE="~/.aws/config"),
           example("env -u AWS_CONFIG_FILE aws s3 ls --profile CustomerA", AWS_CONFIG_FILE="~/.aws/config"),
           example("env -i aws s3 ls --profile CustomerA", AWS_CONFIG_FILE="~/.aws/config")),
      good=(example("AWS_REGION=eu-west-1 aws s3 ls --profile CustomerA", "pass"),
            example("unset AWS_CONFIG_FILE; aws s3 ls --profile CustomerA", "pass"),
            example("env -i aws s3 ls --profile CustomerA", "pass")))
def identity_variables(info: CallInfo, ctx: Context) -> list[Judgement]:
    names = [n for n, c in info.invocation.env if n in variables.IDENTITY and c.value is not None]
    if names:
        listed = ", ".join(dict.fromkeys(names))
        return deny(f"`{info.display}` sets {listed} on the command line, which re-points the "
                    "identity the call runs as; use a declared profile with --profile")
    dropped = [n for n in variables.FILES if ctx.env.get(n) and info.env(n, ctx.env)[0] is None]
    if dropped:  # the guard read the files these name; without them the CLI reads ~/.aws instead
        return deny(f"`{info.display}` drops {', '.join(dropped)}, which Claude Code's environment sets, so the "
                    "call would read other config files than the guard checked; keep the environment as it is")
    return []


@rule("AG106", "a computed argument could become --profile", PROFILE,
      bad=(example('aws s3 ls $ARGS --profile CustomerA'), example("ls | xargs aws s3 ls --profile CustomerA"),
           example("B='x --profile Prod'; aws s3 ls --profile CustomerA s3://$B"),
           example("R='us-east-1 --profile Prod'; aws s3 ls --profile CustomerA --region $R"),
           example('aws s3 ls --profile CustomerA s3://b/$(cat key)'),
           example("aws s3 ls --profile CustomerA {--profile,} Prod"),
           example("set -- x --profile Prod; aws s3 ls --profile CustomerA s3://b/$@")),
      good=(example('aws s3 ls "s3://$BUCKET/" --profile CustomerA', "pass"),
            example('aws s3 cp s3://b/k ./k-$(date +%Y%m%d) --profile CustomerA', "pass"),
            example('R=eu-west-1; aws ec2 describe-instances --region $R --profile CustomerA', "pass"),
            example('aws ec2 describe-instances --region $UNSET_IN_ENV --profile CustomerA', "pass"),
            example('aws s3 ls --profile CustomerA --query="$(cat q)"', "pass"),
            example('aws ec2 describe-instances --region "$R" --profile CustomerA', "pass"),
            example("find . -exec aws s3 ls {} --profile CustomerA \\;", "pass")))
def computed_argument(info: CallInfo, ctx: Context) -> list[Judgement]:
    """A word computed at run time could turn into `--profile other`: argparse reads it anywhere in argv."""
    argv = info.invocation.argv
    for i, word in enumerate(argv[1:], start=1):
        if word.literal:
            continue
        risky = [u for u in word.unquoted if not _safe_split(u, info, ctx)]
        if risky:
            return deny(f"`{risky[0]}` in `{info.display}` is unquoted, so bash splits its value "
                        f"into words that could include --profile; quote it: \"{risky[0]}\"")
        if not _could_be_option(word, argv[i - 1].value or "" if i > 1 else ""):
            continue
        return deny(f"`{word.text}` in `{info.display}` is computed at run time and could become "
                    "an option such as --profile; give it a literal start (e.g. \"s3://$B\") or write it out")
    return []


def _could_be_option(word: Word, previous: str) -> bool:
    if word.prefix[:1] not in ("", "-"):
        return False  # starts with a literal that is not a dash
    if word.prefix.startswith("--") and "=" in word.prefix:
        return False  # `--key="$(...)"` stays one option with its value (a computed --profile= is AG102's)
    # The value of an option: argparse will not read the next word as an option.
    return not (previous.startswith("-") and "=" not in previous)


def _safe_split(expansion: str, info: CallInfo, ctx: Context) -> bool:
    """Can bash's word splitting of this unquoted expansion add an option? False when it might.

    Arithmetic and $?, $#, $$, $!, $- give numbers or flags; `$(date +FMT)` gives no
    blanks for the directives below; a plain variable is looked up where the
    command gets it (an assignment in the same command, else the environment
    the command inherits) and is safe when no piece of it starts with `-`.
    """
    if expansion.startswith("$((") or (len(expansion) == 2 and expansion[1] in "$?#!-"):
        return True  # numbers and flag letters; positional parameters ($1, $@, $0...) can hold anything
    variable = _parameter(expansion)
    if variable is not None:
        return _safe_parameter(*variable, info, ctx)
    inner = expansion[2:-1] if expansion.startswith("$(") else expansion[1:-1] if expansion.startswith("`") else ""
    parts = inner.split()
    return bool(parts) and parts[0] == "date" and all(_safe_date_arg(p) for p in parts[1:])


def _parameter(expansion: str) -> tuple[str, str] | None:
    """`$NAME` -> (NAME, ""), `${NAME<rest>}` -> (NAME, rest); None for other expansions."""
    body = expansion[2:-1] if expansion.startswith("${") and expansion.endswith("}") else expansion[1:]
    end = 0
    while end < len(body) and (body[end].isalnum() or body[end] == "_"):
        end += 1
    if end == 0 or body[0].isdigit() or (not expansion.startswith("${") and end != len(body)):
        return None
    return body[:end], body[end:]


def _safe_parameter(name: str, rest: str, info: CallInfo, ctx: Context) -> bool:
    value, _ = info.env(name, ctx.env, exported_only=False)
    if value is not None and value.value is None:
        return False  # computed at run time
    text = value.value or "" if value is not None else ""
    if not rest:
        return not any(piece.startswith("-") for piece in text.split())
    op = rest[:2] if rest[:2] in (":-", ":=", ":+", ":?") else rest[:1] if rest[:1] in "-=+?" else ""
    if op:  # ${NAME:-word}: NAME's value or the literal word
        word = rest[len(op):]
        pieces = (text + " " + word).split()
        return not any(c in word for c in "$`") and not any(p.startswith("-") for p in pieces)
    # ${NAME:offset}, ${NAME#pat}, ${NAME/a/b}...: a piece of NAME's value, or of what the operator adds.
    return "-" not in text and not any(c.isspace() for c in text) and not any(c in rest for c in "-$` ")


# date(1) directives whose output never holds a blank (%e, %k, %l pad with spaces; %c, %x, %r have blanks).
SAFE_DATE_DIRECTIVES = frozenset("sYmdHMSFTNyjuwzGVUWIpqCDg%")


def _safe_date_arg(arg: str) -> bool:
    if arg in ("-u", "--utc"):
        return True
    if not arg.startswith("+") or any(c.isspace() for c in arg):
        return False
    directives = [arg[i + 1] for i in range(len(arg) - 1) if arg[i] == "%" and (i == 0 or arg[i - 1] != "%")]
    return all(d in SAFE_DATE_DIRECTIVES for d in directives)


@rule("AG107", "the AWS CLI would reject the arguments", PROFILE,
      bad=(example("aws s3 ls --profile"), example("aws s3 ls --profile --region x")),
      good=(example("aws s3 ls --profile=CustomerA", "pass"),))
def cli_rejects(info: CallInfo, ctx: Context) -> list[Judgement]:
    if info.call.error:
        return deny(f"`{info.display}`: {info.call.error}")
    return []


@rule("AG108", "aws under sudo runs with another user's configuration", PROFILE,
      bad=(example("sudo aws s3 ls --profile CustomerA"),),
      good=(example("timeout 10 aws s3 ls --profile CustomerA", "pass"),))
def other_user(info: CallInfo, ctx: Context) -> list[Judgement]:
    if any(v.split()[0] in ("sudo", "doas") for v in info.invocation.via):
        return deny(f"`{info.display}` runs under sudo, with another user's AWS configuration the "
                    "guard cannot check; run aws as yourself")
    return []


@rule("AG109", "an AWS CLI alias the guard cannot follow (a shell alias, a loop)", PROFILE,
      bad=(example("aws shell-alias --profile CustomerA"), example("aws loop-a --profile CustomerA")),
      good=(example("aws whoami", "pass"), example("aws ls-buckets --profile CustomerA", "pass")))
def unresolved_alias(info: CallInfo, ctx: Context) -> list[Judgement]:
    if info.alias_error:
        return deny(f"`{info.display}` uses an AWS CLI alias ({ctx.aws.alias_file}) that the guard "
                    f"cannot follow: {info.alias_error}")
    return []
