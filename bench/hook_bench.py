#!/usr/bin/env python3
"""How long does `guard hook` add to every Bash call, next to starting Python at all?

    python bench/hook_bench.py [--runs N] [--json] [--per-command]

Claude Code starts the hook as a new process before every Bash tool call, so
what matters is the wall time of one whole process: interpreter start-up,
imports, reading the event, deciding. This script measures, in one run and
with the same interpreter and environment:

- bare:   `python -c pass`, the floor no Python hook can go below;
- guard hook through the installed console script `guard` next to the
  interpreter (what users get) and through `python -m guard hook`;

each fed a real PreToolUse event on stdin, over two groups of commands:

- ordinary: 20 everyday agent commands without aws (the hook's fast path);
- aws:      10 aws commands, decided by static checks only (no STS).

Setup: a temporary HOME holding the seed AWS config (profiles `default` ->
111111111111 and `CustomerA` -> 222222222222, as in tests/testing.py) and a
policy with `verify_identity: false`, passed through AWS_GUARD_CONFIG;
XDG_CACHE_HOME inside the temporary directory; AWS_* and CLAUDE_* variables
removed. Every command runs once before timing so that the caches fill and
the .pyc files exist; the warm-up also checks each decision, so a broken hook
cannot produce a good-looking number. Runs are interleaved (bare, script,
module per command, in rotating order) so that machine noise hits all of
them alike.

Targets (group median / bare median): ordinary <= 3x, aws <= 5x, judged on
the console script when it exists. Exit 0 when both pass, 1 when one fails,
2 when the benchmark itself could not run properly.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGETS = {"ordinary": 3.0, "aws": 5.0}
DEFAULT_RUNS = 10  # ~45 s on a 2-core machine: 10 timings of each command per variant

# The write-up's seed (tests/testing.py SEED_CONFIG / SEED_CREDENTIALS, first two profiles), copied so
# that the benchmark does not move when the test fixtures grow.
SEED_CONFIG = """\
[default]
region = ap-northeast-1
source_profile = base
role_arn = arn:aws:iam::111111111111:role/RoleA
mfa_serial = arn:aws:iam::333333333333:mfa/example.user
duration_seconds = 900
[profile CustomerA]
region = ap-northeast-1
source_profile = Access CustomerA
role_arn = arn:aws:iam::222222222222:role/RoleReadOnly
mfa_serial = arn:aws:iam::333333333333:mfa/example.user
duration_seconds = 900
"""
SEED_CREDENTIALS = """\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
[Access CustomerA]
aws_access_key_id = AKIAIOSFODNN7EXAMPL2
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE2
"""
POLICY = """\
version: 1
profiles:
  default:   {account: "111111111111", access: read-only}
  CustomerA: {account: "222222222222", access: read-only}
verify_identity: false
"""

HEREDOC_COMMIT = """git commit -m "$(cat <<'EOF'
Fix bug

Details
EOF
)\""""

ORDINARY = (
    "git status",
    "git diff",
    "git log --oneline -5",
    "npm test",
    "npm install",
    "pytest -q",
    "python -m pytest tests/",
    "grep -rn TODO src/",
    "ls -la",
    "cat README.md",
    HEREDOC_COMMIT,
    "rg pattern",
    "find . -name '*.py'",
    "make build",
    "docker ps",
    "curl -s http://localhost:8080/health",
    "sed -n 1,20p file",
    "head -50 log",
    "wc -l *.py",
    "cd src && ls",
)

# (command, the decision the hook must print: "pass" means it prints nothing)
AWS = (
    ("aws s3 ls --profile CustomerA", "pass"),
    ("aws ec2 describe-instances --profile default --region ap-northeast-1", "pass"),
    ("AWS_PROFILE=CustomerA aws s3 ls", "pass"),
    ("aws s3 ls", "deny"),
    ("aws sts get-caller-identity --profile CustomerA | jq .Account", "pass"),
    ("cd infra && aws cloudformation describe-stacks --profile default", "pass"),
    ("aws s3 cp s3://bucket/key ./key --profile CustomerA", "pass"),
    ("aws s3 rm s3://bucket/key --profile CustomerA", "deny"),
    ("aws logs describe-log-groups --profile Other", "deny"),
    ("aws lambda list-functions --profile default --output json | jq '.Functions[].FunctionName'", "pass"),
)

BYTECODE_NOTE = ("PYTHONDONTWRITEBYTECODE is set in this environment; it is unset for the timed processes so "
                 "that they read and write .pyc files as a user's install does (otherwise every import "
                 "recompiles), and the warm-up run writes the .pyc files first.")


class BenchError(Exception):
    """The benchmark could not measure what it means to measure."""


# -- setup ----------------------------------------------------------------------------------


def make_sandbox(root: str) -> tuple[dict[str, str], str]:
    """A temporary HOME with the seed AWS setup and a static-checks policy; returns (env, cwd)."""
    home = os.path.join(root, "home")
    os.makedirs(os.path.join(home, ".aws"))
    with open(os.path.join(home, ".aws", "config"), "w", encoding="utf-8") as f:
        f.write(SEED_CONFIG)
    with open(os.path.join(home, ".aws", "credentials"), "w", encoding="utf-8") as f:
        f.write(SEED_CREDENTIALS)
    policy = os.path.join(root, "aws-guard.yaml")
    with open(policy, "w", encoding="utf-8") as f:
        f.write(POLICY)
    project = os.path.join(root, "project")
    os.makedirs(os.path.join(project, "src"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "CLAUDE_", "XDG_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(HOME=home, XDG_CACHE_HOME=os.path.join(root, "cache"), AWS_GUARD_CONFIG=policy)
    return env, project


def event(command: str, cwd: str) -> bytes:
    return json.dumps({
        "session_id": "bench-session", "transcript_path": os.path.join(cwd, "transcript.jsonl"), "cwd": cwd,
        "hook_event_name": "PreToolUse", "tool_name": "Bash", "permission_mode": "default",
        "tool_input": {"command": command, "description": "bench"},
    }).encode()


def variants() -> dict[str, list[str]]:
    """What is timed besides the bare interpreter: the console script first, if installed."""
    out: dict[str, list[str]] = {}
    script = os.path.join(os.path.dirname(sys.executable), "guard")
    if os.path.isfile(script) and os.access(script, os.X_OK):
        out["script"] = [script, "hook"]
    out["module"] = [sys.executable, "-m", "guard", "hook"]
    return out


# -- running --------------------------------------------------------------------------------


def run_once(argv: list[str], stdin: bytes, env: dict[str, str], cwd: str) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin, env=env, cwd=cwd, capture_output=True, timeout=60)
    return (time.perf_counter() - start) * 1000.0, done


def verdict_of(done: subprocess.CompletedProcess) -> str:
    out = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        return f"exit {done.returncode}: {done.stderr.decode('utf-8', 'replace').strip()[-300:]}"
    if not out:
        return "pass"
    try:
        return json.loads(out)["hookSpecificOutput"]["permissionDecision"]
    except (ValueError, KeyError, TypeError):
        return f"unreadable output: {out[:300]}"


def warm_up(cases: list[tuple[str, str, str]], guards: dict[str, list[str]], env: dict[str, str], cwd: str) -> None:
    """Run everything once (caches, .pyc) and check each decision is the expected one."""
    run_once([sys.executable, "-c", "pass"], b"", env, cwd)
    wrong = []
    for group, command, expected in cases:
        for name, argv in guards.items():
            _, done = run_once(argv, event(command, cwd), env, cwd)
            got = verdict_of(done)
            if got != expected:
                wrong.append(f"  [{group}/{name}] {command!r}: expected {expected}, got {got}")
    if wrong:
        raise BenchError("the hook did not decide as expected during warm-up:\n" + "\n".join(wrong))


def measure(cases: list[tuple[str, str, str]], guards: dict[str, list[str]], env: dict[str, str], cwd: str,
            runs: int) -> tuple[list[float], dict[str, dict[str, list[float]]]]:
    """Interleaved timings: per command, one bare run and one run of each guard variant, in rotating order."""
    bare: list[float] = []
    timed: dict[str, dict[str, list[float]]] = {name: {c: [] for _, c, _ in cases} for name in guards}
    slots = ["bare"] + list(guards)
    turn = 0
    for _ in range(runs):
        for _, command, _ in cases:
            stdin = event(command, cwd)
            order = slots[turn % len(slots):] + slots[:turn % len(slots)]
            turn += 1
            for slot in order:
                if slot == "bare":
                    ms, _ = run_once([sys.executable, "-c", "pass"], b"", env, cwd)
                    bare.append(ms)
                else:
                    ms, _ = run_once(guards[slot], stdin, env, cwd)
                    timed[slot][command].append(ms)
    return bare, timed


# -- reporting ------------------------------------------------------------------------------


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    rank = max(1, -(-9 * len(ordered) // 10))  # ceil(0.9 n)
    return ordered[rank - 1]


def summary(values: list[float], floor: float | None) -> dict[str, float]:
    med = statistics.median(values)
    out = {"median_ms": round(med, 2), "p90_ms": round(p90(values), 2), "samples": len(values)}
    if floor:
        out["ratio"] = round(med / floor, 2)
    return out


def pyc_present() -> bool | None:
    """Whether guard/main.py has a .pyc next to it (None: cannot tell)."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("guard")
        if spec is None or not spec.origin:
            return None
        main = os.path.join(os.path.dirname(spec.origin), "main.py")
        return os.path.exists(importlib.util.cache_from_source(main))
    except Exception:
        return None


def build_report(runs: int, bare: list[float], timed: dict[str, dict[str, list[float]]],
                 cases: list[tuple[str, str, str]], guards: dict[str, list[str]], elapsed: float,
                 bytecode_env: bool) -> dict:
    floor = statistics.median(bare)
    judged = "script" if "script" in guards else "module"
    groups: dict[str, dict] = {}
    for group in TARGETS:
        commands = [c for g, c, _ in cases if g == group]
        entry: dict = {"commands": len(commands), "target_ratio": TARGETS[group]}
        for name in guards:
            values = [ms for c in commands for ms in timed[name][c]]
            entry[name] = summary(values, floor)
        entry["judged_on"] = judged
        entry["pass"] = entry[judged]["ratio"] <= TARGETS[group]
        groups[group] = entry
    per_command = {name: {c: round(statistics.median(v), 2) for c, v in timed[name].items()} for name in guards}
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "runs": runs,
        "variants": {name: " ".join(argv) for name, argv in guards.items()},
        "bare": summary(bare, None),
        "groups": groups,
        "per_command_median_ms": per_command,
        "pass": all(g["pass"] for g in groups.values()),
        "elapsed_s": round(elapsed, 1),
        "pythondontwritebytecode_in_env": bytecode_env,
        "guard_pyc_present": pyc_present(),
    }


def print_report(report: dict, per_command: bool) -> None:
    print(f"guard hook start-up benchmark: Python {report['python']} ({report['executable']}), "
          f"{report['cpus']} CPUs, {report['runs']} runs per command per variant, {report['elapsed_s']} s")
    for name, argv in report["variants"].items():
        print(f"  {name:<7} {argv}")
    if report["pythondontwritebytecode_in_env"]:
        print("note: " + BYTECODE_NOTE)
    if report["guard_pyc_present"] is False:
        print("warning: no .pyc for guard/main.py after the warm-up; the install may be read-only, "
              "so these figures include recompiling the guard")
    print()
    bare = report["bare"]
    print(f"{'':<22}{'median ms':>10}{'p90 ms':>9}{'ratio':>8}{'n':>6}")
    print(f"{'bare (python -c pass)':<22}{bare['median_ms']:>10.1f}{bare['p90_ms']:>9.1f}{'1.00x':>8}{bare['samples']:>6}")
    for group, entry in report["groups"].items():
        for name in report["variants"]:
            s = entry[name]
            label = f"{group} / {name}"
            print(f"{label:<22}{s['median_ms']:>10.1f}{s['p90_ms']:>9.1f}{s['ratio']:>7.2f}x{s['samples']:>6}")
    print()
    for group, entry in report["groups"].items():
        ratio = entry[entry["judged_on"]]["ratio"]
        print(f"target {group:<8} <= {entry['target_ratio']:.0f}x bare ({entry['judged_on']}): "
              f"{ratio:.2f}x  {'PASS' if entry['pass'] else 'FAIL'}")
    if per_command:
        print()
        names = list(report["variants"])
        print("per-command median ms: " + " / ".join(names))
        first = report["per_command_median_ms"][names[0]]
        for command in first:
            cells = " / ".join(f"{report['per_command_median_ms'][n][command]:6.1f}" for n in names)
            print(f"  {cells}  {command.splitlines()[0]}{' ...' if chr(10) in command else ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, metavar="N",
                        help=f"timed runs of each command per variant (default {DEFAULT_RUNS})")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--per-command", action="store_true", help="also print each command's median")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    bytecode_env = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    guards = variants()
    cases = [("ordinary", c, "pass") for c in ORDINARY] + [("aws", c, v) for c, v in AWS]
    root = tempfile.mkdtemp(prefix="guard-bench-")
    try:
        env, cwd = make_sandbox(root)
        start = time.perf_counter()
        warm_up(cases, guards, env, cwd)
        bare, timed = measure(cases, guards, env, cwd, args.runs)
        report = build_report(args.runs, bare, timed, cases, guards, time.perf_counter() - start, bytecode_env)
    except (BenchError, OSError, subprocess.SubprocessError) as error:
        print(f"hook_bench: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        if bytecode_env:
            report["note"] = BYTECODE_NOTE
        print(json.dumps(report, indent=2))
    else:
        print_report(report, args.per_command)
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
