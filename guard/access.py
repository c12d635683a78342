"""Does an AWS CLI call read or change something?

Coarse but safe until the per-operation index lands: an operation named
Describe*/Get*/List*/Head* reads, `s3 ls` reads, `s3 cp` from S3 to a local
path reads; everything else is treated as a write.
"""
from __future__ import annotations

from guard.awscli import AwsCall

READ_PREFIXES = ("describe-", "get-", "list-", "head-")
NONE, READ, WRITE = "none", "read", "write"


def classify(call: AwsCall) -> str:
    if call.reaches_no_account:
        return NONE
    if call.service == "s3":
        return _s3(call)
    if call.operation is not None and call.operation.startswith(READ_PREFIXES):
        return READ
    return WRITE


def _s3(call: AwsCall) -> str:
    if call.operation == "ls":
        return READ
    if call.operation == "cp":
        paths = _paths(call.positionals[2:])
        if len(paths) == 2 and paths[0].startswith("s3://") and not paths[1].startswith("s3://"):
            return READ
    return WRITE


def _paths(words: tuple) -> list[str]:
    """The operands of `s3 cp`: an unknown option is taken to consume the next word.

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


S3_FLAGS = frozenset({
    "--recursive", "--dryrun", "--quiet", "--only-show-errors", "--no-progress", "--follow-symlinks",
    "--no-follow-symlinks", "--no-guess-mime-type", "--force-glacier-transfer", "--ignore-glacier-warnings",
    "--request-payer", "--checksum-mode", "--no-overwrite",
})


def describe(call: AwsCall) -> str:
    return " ".join(p for p in (call.service, call.operation) if p) or "aws"
