"""`guard verify`: prove now, with STS, who each policy profile really is."""
from __future__ import annotations

import json
import os
import sys

from guard import wiring
from guard.aws.identity import verification
from guard.aws.identity.model import Identity, IdentityError
from guard.errors import UsageError
from guard.plumbing import paths
from guard.plumbing.cache import Cache
from guard.plumbing.record import record

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import IO, Any

    from guard.policy.model import Context


@record
class Row:
    profile: str
    declared: str | None
    status: str  # "ok" | "mismatch" | "error"
    found: Identity | None = None
    detail: str = ""


def run(profiles: list[str], config: str | None, as_json: bool, out: IO[str] = sys.stdout) -> int:
    ctx = wiring.context(config, os.environ, os.getcwd())
    names = profiles or sorted(ctx.policy.profiles)
    unknown = [n for n in names if n not in ctx.policy.profiles]
    if unknown:
        raise UsageError(f"verify: {', '.join(unknown)} not in the policy ({ctx.policy.describe()}); "
                         f"allowed: {ctx.policy.allowed()}")
    rows = [_check(ctx, name) for name in names]
    out.write(json.dumps([_as_dict(r) for r in rows]) + "\n" if as_json else render(rows))
    return 0 if all(r.status == "ok" for r in rows) else 2


def _check(ctx: Context, name: str) -> Row:
    rule = ctx.policy.profiles[name]
    try:
        found = verification.verify(ctx.aws, name, ctx.env, Cache(paths.cache_dir(ctx.env)), ctx.policy.verify_timeout,
                                    fresh=True)
    except IdentityError as error:
        return Row(name, rule.account, "error", detail=f"{error}" + (f"; {error.fix}" if error.fix else ""))
    if found.account in ctx.policy.denied_accounts:
        return Row(name, rule.account, "mismatch", found, f"account {found.account} is denied by the policy")
    if rule.account and found.account != rule.account:
        return Row(name, rule.account, "mismatch", found, f"declared {rule.account}, live {found.account}")
    if rule.role and found.role != rule.role:
        return Row(name, rule.account, "mismatch", found, f"expected role {rule.role}")
    return Row(name, rule.account, "ok", found)


def _left(found: Identity | None) -> str:
    seconds = found.seconds_left() if found is not None else None
    if seconds is None:
        return "-" if found is None else "no expiry"
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


def render(rows: list[Row]) -> str:
    table = [("PROFILE", "DECLARED", "LIVE", "STATUS", "LEFT")]
    table += [(r.profile, r.declared or "?", r.found.account if r.found else "-", r.status, _left(r.found)) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table]
    for row in rows:
        if row.found is not None:
            lines.append(f"{row.profile}: {row.found.arn} (credentials: {row.found.source})")
        if row.detail:
            lines.append(f"{row.profile}: {row.detail}")
    return "\n".join(lines) + "\n"


def _as_dict(row: Row) -> dict[str, Any]:
    found = row.found
    return {"profile": row.profile, "declared": row.declared, "status": row.status, "detail": row.detail,
            "account": found.account if found else None, "arn": found.arn if found else None,
            "source": found.source if found else None,
            "seconds_left": found.seconds_left() if found else None}
