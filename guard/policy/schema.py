"""The policy's shape: which profiles may be used, for which account, at which access level.

Immutable records, built only by guard.policy.loader (from YAML) and
guard.policy.sources (the built-in default, a project file narrowing the
user's). Patterns are `service:operation` in the CLI's own spelling with `*`
globs; deny wins over allow.
"""
from __future__ import annotations

from guard.plumbing.record import field, record

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Mapping

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

    def allowed(self) -> str:
        return ", ".join(sorted(self.profiles)) or "none"

    def describe(self) -> str:
        return " narrowed by ".join(self.sources) or "built-in default"


def pattern_matches(pattern: str, service: str, operation: str) -> bool:
    from fnmatch import fnmatchcase

    want_service, want_operation = pattern.split(":", 1)
    return fnmatchcase(service, want_service) and fnmatchcase(operation, want_operation)
