"""The policy: its schema, one validating loader, and how files are combined.

A policy says which profiles may be used, for which account, at which access
level. It is read from YAML (version 1) into immutable records. Unknown keys are
errors: a misspelt key must never widen the policy.

Where it comes from (first match): `--config FILE`, `$AWS_GUARD_CONFIG`;
otherwise the user's `~/.claude/aws-guard.yaml` (or, without one, a built-in
default made from the AWS config), narrowed by the project's
`.claude/aws-guard.yaml`. A project file can only narrow: a cloned repository
must not be able to loosen the guard.
"""
from __future__ import annotations

import os
from types import MappingProxyType

from guard import paths
from guard.errors import ConfigError
from guard.record import field, record, replace

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Callable, Mapping

ACCESS_LEVELS = ("read-only", "ask-write", "read-write")  # from narrowest to widest
TOP_KEYS = frozenset({"version", "profiles", "denied_accounts", "verify_identity", "verify_timeout_seconds", "wrappers"})
DEFAULT_VERIFY_TIMEOUT = 5.0
MAX_VERIFY_TIMEOUT = 30.0  # the installed hook's own timeout must stay above this
PROFILE_KEYS = frozenset({"account", "access", "require_mfa", "max_session_seconds", "role", "allow", "deny", "regions"})
_PATTERN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-*")
PROJECT_FILE = os.path.join(".claude", "aws-guard.yaml")


@record(frozen=True)
class ProfileRule:
    name: str
    account: str | None
    access: str
    origin: str  # where this rule was written: "file: profiles.NAME" or "built-in default"
    require_mfa: bool = False  # guard doctor: the profile must assume its role with mfa_serial
    max_session_seconds: int | None = None  # guard doctor: duration_seconds may not exceed this
    role: str | None = None  # the role name the live ARN must show (guard.identity)
    allow: tuple[str, ...] = ()  # `service:operation` patterns allowed whatever the access level
    deny: tuple[str, ...] = ()  # patterns always denied; deny wins over allow
    regions: tuple[str, ...] | None = None  # the only regions calls may reach; None: any

    def matching(self, key: str, service: str, operation: str) -> tuple[int, str] | None:
        """The first `allow`/`deny` pattern matching `service:operation`, with its index."""
        for i, pattern in enumerate(getattr(self, key)):
            if pattern_matches(pattern, service, operation):
                return i, pattern
        return None


@record(frozen=True)
class Policy:
    profiles: Mapping[str, ProfileRule]
    denied_accounts: frozenset[str] = frozenset()
    verify_identity: bool = True
    wrappers: frozenset[str] = frozenset()
    verify_timeout: float = DEFAULT_VERIFY_TIMEOUT
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def allowed(self) -> str:
        return ", ".join(sorted(self.profiles)) or "none"

    def describe(self) -> str:
        return " narrowed by ".join(self.sources) or "built-in default"


def load_file(path: str) -> Policy:
    """Read and validate one policy file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise ConfigError(f"{path}: policy file not found") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the policy file: {error.strerror}") from None
    return parse(text, path)


def parse(text: str, path: str) -> Policy:
    data = _cached_yaml(text, path)
    return validate(data, path)


def _cached_yaml(text: str, path: str) -> Any:
    """YAML costs ~30 ms to import; a policy already parsed once is read back from JSON."""
    from guard import cache

    key = f"{path}\0{text}"
    hit = cache.get("policies", key)
    if hit is not None:
        return hit
    data = _load_yaml(text, path)
    cache.put("policies", key, data)
    return data


def _load_yaml(text: str, path: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{path}: {where}not valid YAML ({problem})") from None


def validate(data: Any, path: str) -> Policy:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with `version: 1` and `profiles:`, got {_kind(data)}")
    _no_unknown(data, TOP_KEYS, path, "")
    if data.get("version") != 1:
        raise ConfigError(f"{path}: version: expected 1, got {data.get('version')!r}; start the file with `version: 1`")
    profiles = _profiles(data.get("profiles"), path)
    denied = _accounts(data.get("denied_accounts", []), path)
    verify = data.get("verify_identity", True)
    if not isinstance(verify, bool):
        raise ConfigError(f"{path}: verify_identity: expected true or false, got {verify!r}")
    wrappers = _names(data.get("wrappers", []), path, "wrappers")
    timeout = data.get("verify_timeout_seconds", DEFAULT_VERIFY_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_VERIFY_TIMEOUT:
        raise ConfigError(f"{path}: verify_timeout_seconds: expected a number of seconds above 0 and at most "
                          f"{MAX_VERIFY_TIMEOUT:g}, got {timeout!r}")
    return Policy(profiles, denied, verify, wrappers, float(timeout), (path,))


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", type(None): "nothing"}.get(type(value), repr(value))


def _no_unknown(data: dict, known: frozenset[str], path: str, where: str) -> None:
    for key in data:
        if key not in known:
            hint = ", ".join(sorted(known))
            raise ConfigError(f"{path}: {where}{key}: unknown key (known keys: {hint}); "
                              "unknown keys are errors so that a typo never widens the policy")


def _profiles(data: Any, path: str) -> Mapping[str, ProfileRule]:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: profiles: expected a mapping of profile names, got {_kind(data)}")
    out: dict[str, ProfileRule] = {}
    for name, body in data.items():
        where = f"profiles.{name}"
        if not isinstance(body, dict):
            raise ConfigError(f"{path}: {where}: expected a mapping like {{account: \"111111111111\", access: read-only}}, "
                              f"got {_kind(body)}")
        _no_unknown(body, PROFILE_KEYS, path, where + ".")
        account = _account(body.get("account"), path, where + ".account")
        out[str(name)] = _profile_rule(str(name), body, account, path, where)
    return MappingProxyType(out)


def _profile_rule(name: str, body: dict, account: str, path: str, where: str) -> ProfileRule:
    access = body.get("access", "read-only")
    if access not in ACCESS_LEVELS:
        raise ConfigError(f"{path}: {where}.access: expected one of {', '.join(ACCESS_LEVELS)}, got {access!r}")
    mfa = body.get("require_mfa", False)
    if not isinstance(mfa, bool):
        raise ConfigError(f"{path}: {where}.require_mfa: expected true or false, got {mfa!r}")
    longest = body.get("max_session_seconds")
    if longest is not None and (isinstance(longest, bool) or not isinstance(longest, int) or not 900 <= longest <= 43200):
        raise ConfigError(f"{path}: {where}.max_session_seconds: expected whole seconds from 900 to 43200 "
                          f"(the limits of AssumeRole), got {longest!r}")
    role = body.get("role")
    if role is not None and (not isinstance(role, str) or not role or "/" in role or ":" in role):
        raise ConfigError(f"{path}: {where}.role: expected a role name such as RoleReadOnly, got {role!r}")
    allow = _patterns(body.get("allow", []), path, f"{where}.allow")
    deny = _patterns(body.get("deny", []), path, f"{where}.deny")
    regions = _regions(body.get("regions"), path, f"{where}.regions")
    return ProfileRule(name, account, access, f"{path}: {where}", mfa, longest, role, allow, deny, regions)


def _patterns(data: Any, path: str, where: str) -> tuple[str, ...]:
    """`service:operation` in the CLI's own spelling, `*` matching any run of characters: `ec2:describe-*`."""
    if not isinstance(data, list):
        raise ConfigError(f"{path}: {where}: expected a list of patterns like \"ec2:describe-*\", got {_kind(data)}")
    for i, pattern in enumerate(data):
        parts = pattern.split(":") if isinstance(pattern, str) else []
        if len(parts) != 2 or not all(parts) or not all(set(p) <= _PATTERN_CHARS for p in parts):
            raise ConfigError(f"{path}: {where}[{i}]: expected service:operation in the CLI's spelling with * "
                              f"globs (ec2:describe-*, s3:ls, iam:*), got {pattern!r}")
    return tuple(data)


def _regions(data: Any, path: str, where: str) -> tuple[str, ...] | None:
    if data is None:
        return None
    if not isinstance(data, list) or not data or not all(isinstance(r, str) and r.replace("-", "").isalnum()
                                                         for r in data):
        raise ConfigError(f"{path}: {where}: expected a non-empty list of region names like ap-northeast-1, "
                          f"got {data!r}")
    return tuple(data)


def pattern_matches(pattern: str, service: str, operation: str) -> bool:
    from fnmatch import fnmatchcase

    want_service, want_operation = pattern.split(":", 1)
    return fnmatchcase(service, want_service) and fnmatchcase(operation, want_operation)


def _account(value: Any, path: str, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ConfigError(f"{path}: {where}: write the account id in quotes (\"{value:012d}\"): "
                          "as a number it loses leading zeros")
    if not isinstance(value, str) or len(value) != 12 or not value.isdigit():
        raise ConfigError(f"{path}: {where}: expected 12 digits, got {value!r}")
    return value


def _accounts(data: Any, path: str) -> frozenset[str]:
    if not isinstance(data, list):
        raise ConfigError(f"{path}: denied_accounts: expected a list of 12-digit account ids, got {_kind(data)}")
    return frozenset(_account(v, path, f"denied_accounts[{i}]") for i, v in enumerate(data))


def _names(data: Any, path: str, where: str) -> frozenset[str]:
    if not isinstance(data, list) or not all(isinstance(v, str) and v and "/" not in v for v in data):
        raise ConfigError(f"{path}: {where}: expected a list of command names, got {data!r}")
    return frozenset(data)


# -- where the policy comes from ----------------------------------------------------


def default_policy(names: list[str], account_of: Callable[[str], str | None]) -> Policy:
    """No policy file: every profile of the AWS config, ask-write, identity verified."""
    rules = {n: ProfileRule(n, account_of(n), "ask-write", "built-in default") for n in names}
    return Policy(MappingProxyType(rules), sources=("built-in default",))


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
                  min(base.verify_timeout, project.verify_timeout), base.sources + project.sources, tuple(notes))


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
    home = paths.home(env)
    user = os.path.join(home, ".claude", "aws-guard.yaml")
    project = os.path.join(project_root(env, cwd), PROJECT_FILE)
    return Location(user=user if os.path.isfile(user) else None,
                    project=project if os.path.isfile(project) and project != user else None)


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


def load(location: Location, default: Callable[[], Policy]) -> Policy:
    if location.explicit:
        return load_file(location.explicit)
    base = load_file(location.user) if location.user else default()
    if location.project:
        return narrow(base, load_file(location.project))
    return base

