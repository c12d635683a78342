"""What an AWS CLI call does: reads, writes, stays local, or hands out a secret.

Three sources, all data: data/operations.tsv, the index of every API operation
built from the botocore models and checked against AWS's IAM access levels
(scripts/build_operations_index.py, guard.aws.operations.index);
guard.aws.operations.cli_commands, the hand-kept table of the CLI's own
commands (`s3 cp`, `configure set`, `eks get-token`, waiters...); and
guard.aws.operations.secret_outputs, the calls whose output holds credentials or
secrets. Anything none of them knows is a write.
"""
from __future__ import annotations

from guard.aws.operations import cli_commands, index, secret_outputs
from guard.plumbing.record import record

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.aws.cli import AwsCall

NONE, READ, WRITE, LOCAL, LOCAL_WRITE = "none", "read", "write", "local", "local-write"
CHANGES = frozenset({WRITE, LOCAL_WRITE})


@record(frozen=True)
class Operation:
    service: str | None
    name: str | None
    kind: str  # none | read | write | local | local-write
    source: str  # where the kind comes from, for `guard test` and the audit log
    api: str | None = None  # the API operation (DescribeInstances) when there is one
    secret: str = ""  # why its output hands out credentials or secrets; "" when it does not

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.service, self.name) if p) or "aws"


def classify(call: AwsCall) -> Operation:
    if call.reaches_no_account:
        return Operation(call.service, call.operation, NONE, "help, --version or local listing")
    service, name = call.service, call.operation
    if service is None or name is None and (service, None) not in cli_commands.COMMANDS:
        return Operation(service, name, WRITE, "the operation is computed or missing: treated as a write")
    custom = _custom(call, service, name)
    if custom is not None:
        return custom
    alias = cli_commands.ALIASES.get((service, name or ""))  # hidden spellings
    if alias is not None:
        service, name = alias
    return _custom(call, service, name) or _api(call, service, name or "")


def _custom(call: AwsCall, service: str, name: str | None) -> Operation | None:
    """The CLI's own commands (guard.aws.operations.cli_commands.COMMANDS)."""
    entry = cli_commands.COMMANDS.get((service, name)) or cli_commands.COMMANDS.get((cli_commands.ANY_SERVICE, name))
    sub = _third_word(call)
    if sub is not None and (service, name or "", sub) in cli_commands.SUBCOMMANDS:
        entry = cli_commands.SUBCOMMANDS[(service, name or "", sub)]
    if entry is None:
        return None
    kind, note = entry
    source = f"AWS CLI command ({note})" if note else "AWS CLI command"
    if kind == "wait":
        return Operation(service, name, READ, "waiter: polls a describe call")
    if kind == "s3-transfer":
        return Operation(service, name, _transfer(call, name), source)
    if kind == "secret":
        return Operation(service, name, READ, source, secret=note or "its output is a credential")
    secret = _config_secret(call) if (service, name) == ("configure", "get") else _flag_secret(call, service, name)
    return Operation(service, name, kind, source, secret=secret)


def _api(call: AwsCall, service: str, name: str) -> Operation:
    op = index.lookup(service, name)
    if op is None:
        known = service in index.services()
        why = f"unknown operation of {service}" if known else f"unknown service {service}"
        return Operation(service, name, WRITE, f"{why}: treated as a write")
    source = "API index" + (" (named like a read; IAM calls it a write)" if op.exception else "")
    secret = secret_outputs.SECRET_OPERATIONS.get((service, name), "") or _flag_secret(call, service, name)
    return Operation(service, name, op.klass, source, op.model_operation, secret)


def _flag_secret(call: AwsCall, service: str, name: str | None) -> str:
    key = (service, name or "")
    flag = secret_outputs.SECRET_WITH_FLAG.get(key)
    if flag is not None and _flag_on(call, flag):
        return f"with {flag} its output holds the secret value"
    flag = secret_outputs.SECRET_UNLESS_FLAG.get(key)
    if flag is not None and not _flag_on(call, flag):
        return f"without {flag} its output holds the secret value"
    return ""


def _flag_on(call: AwsCall, flag: str) -> bool:
    """A boolean flag is on when it appears after the last `--no-` form of it (the last one wins)."""
    state = False
    for word in call.argv:
        if word.value == flag:
            state = True
        elif word.value == "--no-" + flag[2:]:
            state = False
    return state


def _config_secret(call: AwsCall) -> str:
    words = [w for w in call.positionals[2:] if not (w.value or "").startswith("-")]
    if not words:
        return ""
    if words[0].value is None:
        return "`configure get` of a name computed at run time may print a secret key"
    parts = words[0].value.lower().split(".")
    return "prints a secret key" if any(p in secret_outputs.SECRET_CONFIG_KEYS for p in parts) else ""


def _third_word(call: AwsCall) -> str | None:
    words = [w.value for w in call.positionals if not (w.value or "-").startswith("-")]
    return words[2] if len(words) > 2 else None


def _transfer(call: AwsCall, name: str | None) -> str:
    """`s3 cp`/`sync`: from S3 to a local path reads; anything writing to S3 writes; `mv` deletes its source."""
    if name == "mv":
        return WRITE
    paths = _paths(call.positionals[2:])
    if len(paths) == 2 and paths[0].startswith("s3://") and not paths[1].startswith("s3://"):
        return READ
    return WRITE


S3_FLAGS = frozenset({
    "--recursive", "--dryrun", "--quiet", "--only-show-errors", "--no-progress", "--follow-symlinks",
    "--no-follow-symlinks", "--no-guess-mime-type", "--force-glacier-transfer", "--ignore-glacier-warnings",
    "--request-payer", "--checksum-mode", "--no-overwrite", "--delete", "--exact-timestamps", "--size-only",
})


def _paths(words: tuple) -> list[str]:
    """The operands of `s3 cp`/`sync`: an unknown option is taken to consume the next word.

    Getting this wrong can only turn a read into a write (the safe side).
    """
    out: list[str] = []
    skip = False
    for word in words:
        value = word.value
        if skip:
            skip = False
        elif value is None:
            out.append("<computed>")
        elif value.startswith("--"):
            skip = value not in S3_FLAGS and "=" not in value
        else:
            out.append(value)
    return out
