"""False alarms of the guard on real-world shell commands (../shared/corpora).

    python bench/corpus_check.py [--corpora DIR] [--json]

The requirement: every command of corpus_nonaws.txt that bash accepts
(`bash -n`) passes, and every aws-cli example of corpus_aws.txt passes once it
names a read-write profile (`--profile Writer`). A command the guard does not
pass is a false alarm unless bash itself rejects it.

Set-up: a temporary HOME whose ~/.aws/config has a profile `Writer` (a role in
111111111111, sourced from static keys in ~/.aws/credentials) and a policy file,
given through AWS_GUARD_CONFIG, that allows it read-write without STS, names
every secret-bearing call in its `allow` list (the guard denies those by
design otherwise, AG601; the report counts them as `secret examples`), and
declares the documentation account 123456789012 that the `sts assume-role`
examples reach (AG205).

One context (guard.wiring.context) is built and every command is decided
in-process with guard.policy.decision.decide, as the hook would in the default
permission mode. Only commands that do not pass are handed to `bash -n` (on
stdin, four at a time). An aws example counts as bash-rejected when bash
rejects either the line as written or the line with `--profile Writer`: adding
an option can turn a broken placeholder line into valid bash
(`--region <region> | docker ...` fails; `<region> --profile Writer | docker`
parses, `>` then reads `--profile` as a file name).

A false alarm is a command bash accepts and the guard does not pass. They are
grouped by every rule id the decision carries (decision.findings[].rule and
decision.problems[].rule), so one command can appear under several rules.
Exit status: 0 no false alarm, 1 some, 2 corpora not found.

How `--profile Writer` is added to an aws example (`with_profile`): it must land
on the example's aws call, so it goes at the end of the first simple command,
found by a small quote-aware scan (single, double, ANSI-C and backtick quotes,
backslash escapes, `$( )` / `<( )` nesting):

* no operator and no comment: appended at the end (most examples);
* before the first unquoted `|`, `;`, `&`, `&&`, `||`, newline or parenthesis,
  so `aws kms decrypt ... | base64 --decode > f` gets it on `aws`, not on base64
  (redirections such as `> f`, `2>&1`, `&> f` are not operators: they stay put);
* before an unquoted comment (`#` at the start of a word): appended after it
  the option would be part of the comment;
* a trailing line continuation (an odd number of backslashes at the very end)
  is dropped first: `aws s3 ls \\` + ` --profile Writer` would otherwise escape
  the space and glue the option to nothing useful.

Appending, not inserting after `aws`, keeps the CLI's "last --profile wins"
rule on our side: the few examples that name their own `--profile my-profile`
end up on Writer, as the requirement means. Examples bash cannot parse (doc
placeholders like `<region>`, PowerShell backtick continuations) are scanned as
best one can; they only count as bash-rejected.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run from a checkout without the package installed

DEFAULT_CORPORA = Path(os.environ.get("AWS_GUARD_CORPORA", REPO.parent / "shared" / "corpora"))
NONAWS, AWS = "corpus_nonaws.txt", "corpus_aws.txt"
PROFILE = "Writer"
ACCOUNT = "111111111111"
AWS_CONFIG = f"""\
[profile {PROFILE}]
region = us-east-1
source_profile = base
role_arn = arn:aws:iam::{ACCOUNT}:role/RoleAdmin
"""
AWS_CREDENTIALS = """\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""
def _secret_allows() -> list[str]:
    """Every secret-bearing call, named explicitly (guard.aws.operations.cli_commands): the examples show them on purpose.

    Without these, the guard denies them by design (AG601: a read-write profile still needs an explicit allow
    for a call that prints credentials); `secret_examples` in the report counts them.
    """
    from guard.aws.operations import cli_commands, secret_outputs

    keys = set(secret_outputs.SECRET_OPERATIONS) | set(secret_outputs.SECRET_WITH_FLAG)
    keys |= set(secret_outputs.SECRET_UNLESS_FLAG)
    keys |= {k for k, (kind, _) in cli_commands.COMMANDS.items() if kind == "secret" and k[1]}
    keys.add(("configure", "get"))
    return sorted(f"{service}:{operation}" for service, operation in keys)


# The examples assume roles in the documentation account 123456789012: declaring it lets `sts assume-role` pass
# AG205 (assume-role into an undeclared account), as it would for a user who declares the accounts they reach.
POLICY = f"""\
version: 1
profiles:
  {PROFILE}: {{account: "{ACCOUNT}", access: read-write, allow: {json.dumps(_secret_allows())}}}
  Examples: {{account: "123456789012", access: read-only}}
verify_identity: false
"""
EXAMPLES_PER_RULE = 5
BASH_WORKERS = 4


@dataclass
class Alarm:
    """A command the guard did not pass."""

    corpus: str
    line: int
    command: str  # as decided (aws examples: with --profile added)
    source: str  # the aws-cli example file, or "" for the non-aws corpus
    verdict: str
    rules: list[str]
    reason: str
    bash_ok: bool | None = None
    original: str = ""  # aws examples: the line as written, before --profile was added


@dataclass
class CorpusStats:
    total: int = 0
    passed: int = 0
    denied: int = 0
    asked: int = 0
    bash_rejects: int = 0  # of the denied/asked ones
    cli_rejects: int = 0  # denied as AG107, and the real AWS CLI refuses the argv too
    secret: int = 0  # passed only because the policy allows secret-bearing calls explicitly (AG601 otherwise)
    false_alarms: int = 0
    placements: dict[str, int] = field(default_factory=dict)  # aws only: how --profile was added


@dataclass
class Report:
    corpora: str
    stats: dict[str, CorpusStats]
    alarms: list[Alarm]  # every command not passed, bash-rejected ones included
    seconds: float
    guard_seconds: float
    bash_seconds: float

    @property
    def false_alarms(self) -> list[Alarm]:
        return [a for a in self.alarms if a.bash_ok]

    def by_rule(self) -> dict[str, list[Alarm]]:
        groups: dict[str, list[Alarm]] = {}
        for alarm in self.false_alarms:
            for rule in alarm.rules or ["(no rule)"]:
                groups.setdefault(rule, []).append(alarm)
        return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    def to_json(self) -> dict[str, Any]:
        return {
            "corpora": self.corpora,
            "seconds": round(self.seconds, 2),
            "guard_seconds": round(self.guard_seconds, 2),
            "bash_seconds": round(self.bash_seconds, 2),
            "stats": {name: asdict(s) for name, s in self.stats.items()},
            "false_alarms": len(self.false_alarms),
            "by_rule": {rule: {"count": len(items), "examples": [asdict(a) for a in items[:EXAMPLES_PER_RULE]]}
                        for rule, items in self.by_rule().items()},
            "bash_rejected": [asdict(a) for a in self.alarms if a.bash_ok is False],
        }


# -- adding --profile to an example -------------------------------------------------


def with_profile(command: str, profile: str = PROFILE) -> tuple[str, str]:
    """`command` with `--profile PROFILE` on its first simple command, and where it was put."""
    end = _first_command_end(command)
    raw, rest = command[:end], command[end:]
    how = "appended" if not rest.strip() else ("before comment" if rest.startswith("#") else "before operator")
    head = raw.rstrip()
    if (len(head) - len(head.rstrip("\\"))) % 2 == 1:  # the text before our option ends in a lone backslash
        if len(raw) > len(head):
            head = raw[: len(head) + 1]  # it escapes the blank after it (`\ `): keep that word as it is
        elif not rest.strip():
            head, how = head[:-1].rstrip(), "continuation dropped"
    return f"{head} --profile {profile}" + (f" {rest}" if rest.strip() else ""), how


def _first_command_end(text: str) -> int:
    """Index of the first unquoted control operator or comment, or len(text)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if c == "\\":
            i += 2
        elif c == "'":
            i = _after(text, i + 1, "'", escapes=False)
        elif c == "$" and nxt == "'":
            i = _after(text, i + 2, "'", escapes=True)
        elif c == '"':
            i = _after(text, i + 1, '"', escapes=True)
        elif c == "`":
            i = _after(text, i + 1, "`", escapes=True)
        elif c in "$<>" and nxt == "(":
            i = _after_parens(text, i + 2)
        elif c == "#" and (i == 0 or text[i - 1] in " \t"):
            return i
        elif c in "|&" and i > 0 and text[i - 1] in "<>":
            i += 1  # `>|`, `>&`, `<&`: part of a redirection
        elif c == "&" and nxt == ">":
            i += 2  # `&>`, `&>>`
        elif c in ";|&\n()":
            return i
        else:
            i += 1
    return n


def _after(text: str, i: int, close: str, escapes: bool) -> int:
    while i < len(text):
        if escapes and text[i] == "\\":
            i += 2
        elif text[i] == close:
            return i + 1
        else:
            i += 1
    return len(text)  # unterminated: bash will reject it anyway


def _after_parens(text: str, i: int) -> int:
    depth = 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c in "'\"`":
            i = _after(text, i + 1, c, escapes=c != "'")
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        i += 1
        if depth == 0:
            return i
    return len(text)


# -- the run ------------------------------------------------------------------------


def read_corpora(corpora: Path) -> Iterator[tuple[str, int, str, str]]:
    """(corpus, line number, command, source file) for every non-empty line of both corpora."""
    missing = [str(corpora / name) for name in (NONAWS, AWS) if not (corpora / name).is_file()]
    if missing:
        raise FileNotFoundError(f"corpora not found: looked for {', '.join(missing)} "
                                f"(pass --corpora DIR or set AWS_GUARD_CORPORA)")
    for name in (NONAWS, AWS):
        text = (corpora / name).read_text(encoding="utf-8", errors="surrogateescape")
        for number, line in enumerate(text.split("\n"), start=1):  # not splitlines(): \f, \x1c... are not ends
            if not line.strip():
                continue
            command, _, source = line.partition("\t") if name == AWS else (line, "", "")
            yield name, number, command, source


@contextlib.contextmanager
def guard_home() -> Iterator[dict[str, str]]:
    """A temporary HOME with the Writer profile and the policy; yields the environment for the context.

    The guard's caches follow the environment given to the context, except
    bashlex's parse tables (guard.shell.bashlex_loader), which belong to this
    process and follow os.environ: XDG_* are pointed into the temporary HOME for
    the duration and restored after, so the run leaves nothing behind.
    """
    with tempfile.TemporaryDirectory(prefix="aws-guard-corpus-") as tmp:
        home = Path(tmp)
        (home / ".aws").mkdir()
        (home / ".aws" / "config").write_text(AWS_CONFIG)
        (home / ".aws" / "credentials").write_text(AWS_CREDENTIALS)
        policy = home / "policy.yaml"
        policy.write_text(POLICY)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLAUDE_", "XDG_"))}
        env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".state"),
                   AWS_GUARD_CONFIG=str(policy))
        saved = {k: os.environ.get(k) for k in ("XDG_CACHE_HOME", "XDG_STATE_HOME")}
        os.environ.update(XDG_CACHE_HOME=env["XDG_CACHE_HOME"], XDG_STATE_HOME=env["XDG_STATE_HOME"])
        try:
            yield env
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def bash_accepts(command: str) -> bool:
    """`bash -n` on the command (as a script on stdin: no argv length limit)."""
    env = {k: v for k, v in os.environ.items() if k not in ("BASH_ENV", "ENV")}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-n"], input=command.encode("utf-8", "surrogateescape"),
                          capture_output=True, env=env, timeout=30)
    return done.returncode == 0


def _bash_accepts_both(alarm: Alarm) -> bool:
    """The command as decided and, for an aws example, the line as written (adding an option can
    turn a broken line into a valid one: `--region <region> | docker` fails, `<region> --profile W |` parses)."""
    return bash_accepts(alarm.command) and (alarm.original == alarm.command or bash_accepts(alarm.original))


def cli_rejects(alarm: Alarm, env: dict[str, str]) -> bool:
    """Does the real AWS CLI itself refuse the argv? Asked only for AG107 denials.

    The argv is run without a shell, against a closed loopback port, so an argv
    the CLI accepts fails on the connection instead of reaching anything; the
    CLI's usage errors (exit 2 in v1, 252 in v2) come before any request is made.
    """
    from guard.shell.scan import scan

    calls = scan(alarm.command).calls
    aws = Path(sys.executable).parent / "aws"
    if len(calls) != 1 or not aws.exists() or any(w.value is None for w in calls[0].argv):
        return False
    argv = [str(aws)] + [w.value or "" for w in calls[0].argv[1:]]
    run_env = dict(env, AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_DEFAULT_REGION="us-east-1",
                   AWS_MAX_ATTEMPTS="1", AWS_EC2_METADATA_DISABLED="true")
    done = subprocess.run(argv, env=run_env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    return done.returncode in (2, 252)  # argparse's usage error: v1 exits 2, v2 252


def check(corpora: Path = DEFAULT_CORPORA) -> Report:
    """Decide every corpus command; bash-check the ones not passed."""
    from guard import wiring
    from guard.policy.decision import decide
    from guard.policy.model import ASK, DENY, PASS

    started = time.perf_counter()
    entries = list(read_corpora(Path(corpora)))
    stats = {NONAWS: CorpusStats(), AWS: CorpusStats()}
    alarms: list[Alarm] = []
    placements: Counter[str] = Counter()
    with guard_home() as env:
        ctx = wiring.context(None, env, env["HOME"])
        for corpus, number, command, source in entries:
            original = command
            if corpus == AWS:
                command, how = with_profile(command)
                placements[how] += 1
            stat = stats[corpus]
            stat.total += 1
            try:
                decision = decide(command, ctx)
            except Exception as error:  # a crash in the hook is an alarm too
                alarms.append(Alarm(corpus, number, command, source, "error",
                                    [f"exception {type(error).__name__}"], str(error), original=original))
                stat.denied += 1
                continue
            if decision.verdict == PASS:
                stat.passed += 1
                stat.secret += any(c.operation is not None and c.operation.secret for c in decision.calls)
                continue
            stat.denied += decision.verdict == DENY
            stat.asked += decision.verdict == ASK
            rules = [f.rule for f in decision.findings if f.verdict != PASS] + [p.rule for p in decision.problems]
            alarms.append(Alarm(corpus, number, command, source, decision.verdict,
                                list(dict.fromkeys(rules)), decision.reason, original=original))
    guard_done = time.perf_counter()
    with ThreadPoolExecutor(BASH_WORKERS) as pool:
        for alarm, ok in zip(alarms, pool.map(_bash_accepts_both, alarms)):
            alarm.bash_ok = ok
            if ok and alarm.rules == ["AG107"] and cli_rejects(alarm, env):
                alarm.bash_ok = False  # broken example: the AWS CLI refuses it too
                stats[alarm.corpus].cli_rejects += 1
            elif ok:
                stats[alarm.corpus].false_alarms += 1
            else:
                stats[alarm.corpus].bash_rejects += 1
    stats[AWS].placements = dict(placements.most_common())
    done = time.perf_counter()
    return Report(str(corpora), stats, alarms, done - started, guard_done - started, done - guard_done)


# -- output -------------------------------------------------------------------------


def _short(text: str, limit: int = 220) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_report(report: Report) -> str:
    lines = [f"corpora: {report.corpora}", ""]
    lines.append(f"{'corpus':<20} {'total':>7} {'pass':>7} {'deny':>6} {'ask':>5} {'bash rejects':>13} "
                 f"{'CLI rejects':>12} {'false alarms':>13}")
    for name, s in report.stats.items():
        lines.append(f"{name:<20} {s.total:>7} {s.passed:>7} {s.denied:>6} {s.asked:>5} {s.bash_rejects:>13} "
                     f"{s.cli_rejects:>12} "
                     f"{s.false_alarms:>13}")
    placements = report.stats[AWS].placements
    lines.append(f"secret-bearing aws examples (pass only with an explicit allow, AG601): {report.stats[AWS].secret}")
    if placements:
        lines.append(f"--profile {PROFILE} on the aws examples: " + ", ".join(f"{k} {v}" for k, v in placements.items()))
    groups = report.by_rule()
    lines.append("")
    if not groups:
        lines.append("no false alarms: every command bash accepts passes")
    else:
        lines.append(f"{len(report.false_alarms)} false alarms (bash -n accepts, the guard does not pass), by rule:")
        for rule, items in groups.items():
            lines.append(f"\n{rule}: {len(items)}")
            for alarm in items[:EXAMPLES_PER_RULE]:
                where = f"{alarm.corpus}:{alarm.line}" + (f" ({alarm.source})" if alarm.source else "")
                lines.append(f"  [{alarm.verdict} {' '.join(alarm.rules)}] {where}")
                lines.append(f"    $ {_short(alarm.command)}")
                lines.append(f"    {_short(alarm.reason, 300)}")
    lines.append("")
    lines.append(f"wall time: {report.seconds:.1f} s (guard {report.guard_seconds:.1f} s, bash -n {report.bash_seconds:.1f} s)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help=f"directory with {NONAWS} and {AWS} (default: {DEFAULT_CORPORA})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = check(args.corpora)
    except FileNotFoundError as error:
        print(f"corpus_check: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_report(report))
    return 1 if report.false_alarms else 0


if __name__ == "__main__":
    sys.exit(main())
