"""What identity verification works with: credentials found for a profile, and the identity STS reports."""
from __future__ import annotations

import time

from guard.plumbing.record import record


class IdentityError(Exception):
    """Verification could not be done; `fix` is what the user can run."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


@record(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str | None
    expires: float | None  # epoch seconds; None: does not expire
    source: str  # where they came from, for people


@record(frozen=True)
class Identity:
    profile: str
    account: str
    arn: str
    source: str
    expires: float | None
    cached: bool = False

    @property
    def role(self) -> str | None:
        """The role these credentials act as, from the ARN STS returns; None for a user or federated user.

        `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (the session name is the
        caller's choice, so it never counts) or `arn:aws:iam::ACCOUNT:role/PATH/ROLE`.
        """
        resource = self.arn.split(":", 5)[5] if self.arn.count(":") >= 5 else ""
        kind, _, rest = resource.partition("/")
        if kind == "assumed-role":
            return rest.split("/", 1)[0] or None
        if kind == "role":
            return rest.rsplit("/", 1)[-1] or None
        return None

    def seconds_left(self, now: float | None = None) -> float | None:
        return None if self.expires is None else self.expires - (now or time.time())
