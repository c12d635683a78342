"""Where the policy comes from, and how files are combined.

First match: `--config FILE`, `$AWS_GUARD_CONFIG`; otherwise the user's
`~/.claude/aws-guard.yaml` (or, without one, a built-in default made from the
AWS config), narrowed by the project's `.claude/aws-guard.yaml`. A project
file can only narrow: a cloned repository must not be able to loosen the guard.
"""
from __future__ import annotations

import os
from types import MappingProxyType

from guard.errors import ConfigError
from guard.plumbing import paths
from guard.plumbing.record import record, replace
from guard.policy import schema
from guard.policy.schema import ACCESS_LEVELS, Policy, ProfileRule

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Callable, Mapping

    from guard.aws.config import AwsConfig
    from guard.plumbing.cache import Cache

PROJECT_FILE = os.path.join(".claude", "aws-guard.yaml")


@record(frozen=True)
class Location:
    """Which files make the policy: an explicit one, or user plus project."""

    explicit: str | None = None
    user: str | None = None
    project: str | None = None


def locate(explicit: str | None, env: Mapping[str, str], cwd: str) -> Location:
    if explicit:
        return Location(explicit=explicit)
    if env.get("AWS_GUARD_CONFIG"):
        return Location(explicit=env["AWS_GUARD_CONFIG"])
    user = user_file(env)
    project = os.path.join(project_root(env, cwd), PROJECT_FILE)
    return Location(user=user if os.path.isfile(user) else None,
                    project=project if os.path.isfile(project) and project != user else None)


def user_file(env: Mapping[str, str]) -> str:
    """The user's own policy, `~/.claude/aws-guard.yaml` (what `guard init` writes)."""
    return os.path.join(paths.home(env), ".claude", "aws-guard.yaml")


def example_file() -> str:
    """The example policy shipped in the package (`guard init --example` prints it)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "example.yaml")


def project_root(env: Mapping[str, str], cwd: str) -> str:
    """Claude Code gives CLAUDE_PROJECT_DIR; otherwise the git top level, else cwd."""
    if env.get("CLAUDE_PROJECT_DIR"):
        return env["CLAUDE_PROJECT_DIR"]
    here = os.path.abspath(cwd)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return os.path.abspath(cwd)
        here = parent


def load(location: Location, cache: Cache, aws: Callable[[], AwsConfig]) -> Policy:
    """The policy in effect; `aws` gives the AWS config, read only for the built-in default."""
    if location.explicit:
        return load_file(location.explicit, cache)
    base = load_file(location.user, cache) if location.user else default_policy(aws())
    if location.project:
        return narrow(base, load_file(location.project, cache))
    return base


def load_file(path: str, cache: Cache) -> Policy:
    """Read and validate one policy file.

    YAML costs ~30 ms to import; a file already parsed once (same path, same
    text) is read back from the cache as JSON and validated again.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise ConfigError(f"{path}: policy file not found") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the policy file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: the policy file is not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    key = f"{path}\0{text}"
    data = cache.get("policies", key)
    if data is None:
        data = schema.load_yaml(text, path)
        cache.put("policies", key, data)
    return schema.validate(data, path)


def default_policy(aws: AwsConfig) -> Policy:
    """No policy file: every profile of the AWS config, ask-write, identity verified.

    Profiles that only hold the keys other profiles assume roles from (the
    seed's `base`) are left out: an agent should act through the roles, not as
    the IAM user behind them.
    """
    holders = aws.key_holders()
    rules = {n: ProfileRule(n, _account_of(aws, n), "ask-write", "built-in default")
             for n in aws.names() if n not in holders}
    return Policy(MappingProxyType(rules), sources=("built-in default",))


def _account_of(aws: AwsConfig, name: str) -> str | None:
    resolved = aws.resolve(name)
    return resolved.account if resolved else None


def narrow(base: Policy, project: Policy) -> Policy:
    """The project's policy, cut down to what the user's policy allows."""
    notes: list[str] = list(base.notes)
    rules: dict[str, ProfileRule] = {}
    for name, rule in project.profiles.items():
        allowed = base.profiles.get(name)
        if allowed is None:
            notes.append(f"{rule.origin}: ignored: a project policy cannot add a profile the user's policy lacks")
        elif allowed.account is not None and rule.account != allowed.account:
            notes.append(f"{rule.origin}: ignored: account {rule.account} differs from the user's {allowed.account}")
        elif allowed.role is not None and rule.role not in (None, allowed.role):
            notes.append(f"{rule.origin}: ignored: role {rule.role} differs from the user's {allowed.role}")
        else:
            rules[name] = _narrow_rule(rule, allowed)
    return Policy(MappingProxyType(rules), base.denied_accounts | project.denied_accounts,
                  base.verify_identity or project.verify_identity, base.wrappers | project.wrappers,
                  min(base.verify_timeout, project.verify_timeout), base.sources + project.sources, tuple(notes),
                  isolate=base.isolate or project.isolate,  # a project can switch these on, never off
                  instance_metadata=base.instance_metadata and project.instance_metadata)


def _narrow_rule(rule: ProfileRule, allowed: ProfileRule) -> ProfileRule:
    limits = [v for v in (rule.max_session_seconds, allowed.max_session_seconds) if v is not None]
    regions = rule.regions if allowed.regions is None else tuple(
        r for r in (rule.regions or allowed.regions) if r in allowed.regions)
    return replace(rule, access=_narrower(rule.access, allowed.access), require_mfa=rule.require_mfa or allowed.require_mfa,
                   max_session_seconds=min(limits) if limits else None, role=rule.role or allowed.role,
                   account=rule.account or allowed.account,
                   allow=tuple(p for p in rule.allow if p in allowed.allow),  # a project cannot widen
                   deny=allowed.deny + tuple(p for p in rule.deny if p not in allowed.deny), regions=regions)


def _narrower(a: str, b: str) -> str:
    return min(a, b, key=ACCESS_LEVELS.index)


