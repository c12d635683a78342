"""The policy: its schema as immutable records, and the one validating loader that builds them from YAML.

A policy says which profiles may be used, for which account, at which access
level. Version 1. Unknown keys are errors: a misspelt key must never widen the
policy. Errors say which file, which key and what was expected. Patterns are
`service:operation` in the CLI's own spelling with `*` globs; deny wins over
allow. Reading files, caching and combining them is guard.policy.sources' work.
"""
from __future__ import annotations

from types import MappingProxyType

from guard.errors import ConfigError
from guard.plumbing.record import field, record

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any, Mapping

ACCESS_LEVELS = ("read-only", "ask-write", "read-write")  # from narrowest to widest
DEFAULT_VERIFY_TIMEOUT = 5.0
MAX_VERIFY_TIMEOUT = 30.0  # the installed hook's own timeout must stay above this


@record(frozen=True)
class ProfileRule:
    name: str
    account: str | None
    access: str
    origin: str  # where this rule was written: "file: profiles.NAME" or "built-in default"
    require_mfa: bool = False  # guard doctor: the profile must assume its role with mfa_serial
    max_session_seconds: int | None = None  # guard doctor: duration_seconds may not exceed this
    role: str | None = None  # the role name the live ARN must show (guard.aws.identity.verification)
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
    isolate: bool = True  # the agent's commands live in the generated world (guard.aws.world)
    instance_metadata: bool = False  # inside the world, may SDKs ask the EC2 instance metadata service?

    def entry(self, profile: str | None) -> ProfileRule | None:
        """The rule for `profile`; None for no profile or one the policy does not declare."""
        return self.profiles.get(profile) if profile is not None else None

    def allowed(self) -> str:
        return ", ".join(sorted(self.profiles)) or "none"

    def describe(self) -> str:
        return " narrowed by ".join(self.sources) or "built-in default"


def pattern_matches(pattern: str, service: str, operation: str) -> bool:
    from fnmatch import fnmatchcase

    want_service, want_operation = pattern.split(":", 1)
    return fnmatchcase(service, want_service) and fnmatchcase(operation, want_operation)


# -- the loader ------------------------------------------------------------------------------------------

TOP_KEYS = frozenset({"version", "profiles", "denied_accounts", "verify_identity", "verify_timeout_seconds", "wrappers",
                      "isolate", "instance_metadata"})
PROFILE_KEYS = frozenset({"account", "access", "require_mfa", "max_session_seconds", "role", "allow", "deny", "regions"})
_PATTERN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-*")


def parse(text: str, path: str) -> Policy:
    """Validate the policy written in `text`; `path` is named in every error."""
    return validate(load_yaml(text, path), path)


def load_yaml(text: str, path: str) -> Any:
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
    verify, isolate, metadata = (_flag(data, key, default, path) for key, default in
                                 (("verify_identity", True), ("isolate", True), ("instance_metadata", False)))
    wrappers = _names(data.get("wrappers", []), path, "wrappers")
    timeout = data.get("verify_timeout_seconds", DEFAULT_VERIFY_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_VERIFY_TIMEOUT:
        raise ConfigError(f"{path}: verify_timeout_seconds: expected a number of seconds above 0 and at most "
                          f"{MAX_VERIFY_TIMEOUT:g}, got {timeout!r}")
    return Policy(profiles, denied, verify, wrappers, float(timeout), (path,), isolate=isolate,
                  instance_metadata=metadata)


def _flag(data: dict, key: str, default: bool, path: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: {key}: expected true or false, got {value!r}")
    return value


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
