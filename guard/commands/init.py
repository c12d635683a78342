"""`guard init`: write the user's policy from the AWS config, every role profile read-only.

Each profile that reaches an account through a role (`role_arn`) or IAM
Identity Center (`sso_account_id`) is declared for that account, read-only,
with a comment saying where the account came from. Profiles that only hold the
keys other profiles assume roles from (the seed's `base`) are left out: the
agent should act through the roles. A profile whose account only STS can tell
(static keys, credential_process) is left out too, with a line saying how to
add it. An existing policy is never overwritten without --force (and then a
backup is kept).
"""
from __future__ import annotations

import json
import os
import re
import sys
import time

from guard.aws import config as aws_config
from guard.errors import ConfigError
from guard.plumbing.backup import backup
from guard.policy import schema, sources

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Mapping

    from guard.aws.config import AwsConfig, ResolvedProfile


def run(force: bool, example: bool, out: IO[str] = sys.stdout) -> int:
    if example:
        with open(sources.example_file(), encoding="utf-8") as handle:
            out.write(handle.read())
        return 0
    path = write_policy(os.environ, force)
    out.write(f"{path}: written from your AWS config\n")
    with open(path, encoding="utf-8") as handle:
        out.write(handle.read())
    out.write("Check it with: guard doctor\n")
    return 0


def write_policy(env: Mapping[str, str], force: bool) -> str:
    """Write ~/.claude/aws-guard.yaml from the AWS config; returns its path."""
    path = sources.user_file(env)
    if os.path.exists(path) and not force:
        raise ConfigError(f"{path} exists; the guard will not overwrite it (use --force to replace it, a backup is "
                          "kept)")
    aws = aws_config.load(env)
    text = policy_text(aws, time.strftime("%Y-%m-%d"))
    schema.parse(text, path)  # what is written must load
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        backup(path)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def policy_text(aws: AwsConfig, day: str) -> str:
    lines = [f"# aws-guard policy, written by `guard init` from {aws.config_file} on {day}.",
             "# Every profile below may only read. To let one change things, set `access: ask-write` (the user",
             "# is asked first) or `read-write`; `guard init --example` and the README show every key.",
             "version: 1",
             "verify_identity: true   # prove with STS that a profile's live credentials are the declared account",
             "profiles:"]
    declared, left_out = _profiles(aws)
    lines += declared or ["  {}"]
    lines += left_out
    lines += ["denied_accounts: []   # accounts never to reach, whatever a profile says", ""]
    return "\n".join(lines)


def _profiles(aws: AwsConfig) -> tuple[list[str], list[str]]:
    declared: list[str] = []
    left_out: list[str] = []
    holders = aws.key_holders()
    for name in aws.names():
        resolved = aws.resolve(name)
        if resolved is None:
            continue
        broken = _broken_chain(aws, resolved)
        if name in holders:
            left_out.append(f"# left out: {name} only holds the keys other profiles assume roles from")
        elif broken:
            left_out.append(f"# left out: {name}: {broken} (fix ~/.aws/config, then add it)")
        elif resolved.account is None:
            left_out.append(f"# left out: {name}: the config does not say which account ({resolved.account_from}); "
                            f"add it as  {_key(name)}: {{account: \"ACCOUNT\", access: read-only}}")
        else:
            where = resolved.chain[0].get(resolved.account_from) or resolved.account_from
            declared.append(f"  # {name}: account from {resolved.account_from} {where}")
            declared.append(f"  {_key(name)}: {{account: \"{resolved.account}\", access: read-only}}")
    return declared, left_out


def _key(name: str) -> str:
    """A profile name as a YAML key: bare when YAML reads it back as that string, else quoted."""
    plain = re.fullmatch(r"[A-Za-z_][\w.-]*", name) and name.lower() not in YAML_WORDS
    return name if plain else json.dumps(name)


YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null"})  # YAML 1.1 reads them otherwise


def _broken_chain(aws: AwsConfig, resolved: ResolvedProfile) -> str:
    """Why a profile's source_profile chain cannot give credentials (`guard doctor` reports the same), or ""."""
    if resolved.loop:
        return "its source_profile chain loops"
    source = resolved.chain[-1].get("source_profile") if resolved.chain[-1].has_role() else None
    return f"its source_profile {source} does not exist" if source and source not in aws.profiles else ""
