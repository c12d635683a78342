#!/usr/bin/env python3
"""How long does `guard hook` add to every Bash call, next to starting Python at all?

    python bench/hook_bench.py [--runs N] [--json] [--per-command] [--fresh-install]

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
XDG_CACHE_HOME inside the temporary directory; AWS_*, CLAUDE_* and XDG_*
variables removed; PYTHONDONTWRITEBYTECODE unset, so that the timed processes
use .pyc files as a user's install does. Every command runs once before
timing so that the caches fill and the .pyc files exist; the warm-up also
checks each decision, so a broken hook cannot produce a good-looking number. Runs are interleaved (bare, script,
module per command, in rotating order) so that machine noise hits all of
them alike.

A development (editable) install runs setuptools' editable finder at every
interpreter start (it imports pathlib, re, urllib.parse: ~12 ms), so there the
bare baseline is inflated and the ratios look better than a user's. The script
says so when it sees one; `--fresh-install` times a throwaway regular install
instead: a new venv of the same base interpreter holding a copy of this guard
package, its dependencies reached through a .pth file, and a console script
written the way pip writes it.

Targets (group median / bare median): ordinary <= 3x, aws <= 5x, judged on
the console script when it exists. Exit 0 when both pass, 1 when one fails,
2 when the benchmark itself could not run properly.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import site
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
    env.update(HOME=home, XDG_CACHE_HOME=os.path.join(root, "cache"), XDG_STATE_HOME=os.path.join(root, "state"),
               AWS_GUARD_CONFIG=policy)
    return env, project


def audit_lines(env: dict[str, str]) -> int:
    path = os.path.join(env["XDG_STATE_HOME"], "aws-guard", "audit.jsonl")
    try:
        with open(path, "rb") as handle:
            return handle.read().count(b"\n")
    except OSError:
        return 0


def settle(env: dict[str, str], expected: int, timeout: float = 10.0) -> None:
    """Wait for the detached audit writer of the last aws run (guard.audit.trail) to finish.

    Claude Code waits only for the hook itself; the writer starts after the hook
    has answered and costs ~0.15 s of CPU in the background. Back-to-back runs
    here would otherwise time that background work into the next sample on a
    2-core machine, which an agent (seconds between commands) never sees.
    """
    deadline = time.monotonic() + timeout
    while audit_lines(env) < expected and time.monotonic() < deadline:
        time.sleep(0.005)


def event(command: str, cwd: str) -> bytes:
    return json.dumps({
        "session_id": "bench-session", "transcript_path": os.path.join(cwd, "transcript.jsonl"), "cwd": cwd,
        "hook_event_name": "PreToolUse", "tool_name": "Bash", "permission_mode": "default",
        "tool_input": {"command": command, "description": "bench"},
    }).encode()


def variants(python: str) -> dict[str, list[str]]:
    """What is timed besides the bare interpreter: the console script first, if installed."""
    out: dict[str, list[str]] = {}
    script = os.path.join(os.path.dirname(python), "guard")
    if os.path.isfile(script) and os.access(script, os.X_OK):
        out["script"] = [script, "hook"]
    out["module"] = [python, "-m", "guard", "hook"]
    return out


CONSOLE_SCRIPT = """\
#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from guard.main import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""  # what pip (distlib) writes for `guard = "guard.main:main"`


def fresh_install(root: str) -> str:
    """A throwaway regular install of the guard package this script sees; returns its python."""
    import importlib.util

    spec = importlib.util.find_spec("guard")
    if spec is None or not spec.origin:
        raise BenchError("--fresh-install: the guard package is not importable here")
    venv = os.path.join(root, "venv")
    done = subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"--fresh-install: cannot create a venv: {done.stderr.strip()[-300:]}")
    python = os.path.join(venv, "bin", "python")
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    shutil.copytree(os.path.dirname(spec.origin), os.path.join(purelib, "guard"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    deps = [d for d in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(d)]
    with open(os.path.join(purelib, "zz-guard-bench-deps.pth"), "w", encoding="utf-8") as f:
        f.write("\n".join(deps) + "\n")  # .pth files inside these folders are not run: no editable finder
    script = os.path.join(venv, "bin", "guard")
    with open(script, "w", encoding="utf-8") as f:
        f.write(CONSOLE_SCRIPT.format(python=python))
    os.chmod(script, 0o755)
    return python


PROBE = """\
import importlib.util, os, sys
editable = any(m.startswith("__editable__") for m in sys.modules)
spec = importlib.util.find_spec("guard.main")
pyc = os.path.exists(importlib.util.cache_from_source(spec.origin)) if spec and spec.origin else None
print(int(editable), -1 if pyc is None else int(pyc), spec.origin if spec else "")
"""


def probe(python: str, env: dict[str, str], cwd: str) -> dict:
    """Ask the timed interpreter: editable finder at start-up? .pyc for guard.main? where is guard?"""
    done = subprocess.run([python, "-c", PROBE], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    try:
        editable, pyc, origin = done.stdout.split(maxsplit=2)
        return {"editable_finder_at_startup": editable == "1", "guard_pyc_present": None if pyc == "-1" else pyc == "1",
                "guard_package": os.path.dirname(origin.strip())}
    except ValueError:
        return {"editable_finder_at_startup": None, "guard_pyc_present": None, "guard_package": None}


# -- running --------------------------------------------------------------------------------


Sample = tuple  # (wall ms, cpu ms): the child's user + system time is less disturbed by a busy machine


def run_once(argv: list[str], stdin: bytes, env: dict[str, str], cwd: str) -> tuple[Sample, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin, env=env, cwd=cwd, capture_output=True, timeout=60)
    wall = (time.perf_counter() - start) * 1000.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0
    return (wall, cpu), done


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


def warm_up(python: str, cases: list[tuple[str, str, str]], guards: dict[str, list[str]], env: dict[str, str],
            cwd: str) -> None:
    """Run everything once (caches, .pyc) and check each decision is the expected one."""
    run_once([python, "-c", "pass"], b"", env, cwd)
    wrong = []
    for group, command, expected in cases:
        for name, argv in guards.items():
            _, done = run_once(argv, event(command, cwd), env, cwd)
            got = verdict_of(done)
            if got != expected:
                wrong.append(f"  [{group}/{name}] {command!r}: expected {expected}, got {got}")
    if wrong:
        raise BenchError("the hook did not decide as expected during warm-up:\n" + "\n".join(wrong))


def measure(python: str, cases: list[tuple[str, str, str]], guards: dict[str, list[str]], env: dict[str, str],
            cwd: str, runs: int) -> tuple[list[Sample], dict[str, dict[str, list[Sample]]]]:
    """Interleaved timings: per command, one bare run and one run of each guard variant, in rotating order."""
    bare: list[Sample] = []
    timed: dict[str, dict[str, list[Sample]]] = {name: {c: [] for _, c, _ in cases} for name in guards}
    slots = ["bare"] + list(guards)
    turn = 0
    for _ in range(runs):
        for group, command, _ in cases:
            stdin = event(command, cwd)
            order = slots[turn % len(slots):] + slots[:turn % len(slots)]
            turn += 1
            for slot in order:
                if slot == "bare":
                    ms, _ = run_once([python, "-c", "pass"], b"", env, cwd)
                    bare.append(ms)
                else:
                    before = audit_lines(env)
                    ms, _ = run_once(guards[slot], stdin, env, cwd)
                    timed[slot][command].append(ms)
                    if group == "aws":
                        settle(env, before + 1)
    return bare, timed


# -- reporting ------------------------------------------------------------------------------


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    rank = max(1, -(-9 * len(ordered) // 10))  # ceil(0.9 n)
    return ordered[rank - 1]


def summary(samples: list[Sample], floor: dict | None) -> dict[str, float]:
    wall = [w for w, _ in samples]
    cpu = statistics.median(c for _, c in samples)
    med = statistics.median(wall)
    out = {"median_ms": round(med, 2), "p90_ms": round(p90(wall), 2), "cpu_median_ms": round(cpu, 2),
           "samples": len(samples)}
    if floor:
        out["ratio"] = round(med / floor["median_ms"], 2)
        out["cpu_ratio"] = round(cpu / floor["cpu_median_ms"], 2) if floor["cpu_median_ms"] else None
    return out


def build_report(python: str, runs: int, bare: list[Sample], timed: dict[str, dict[str, list[Sample]]],
                 cases: list[tuple[str, str, str]], guards: dict[str, list[str]], elapsed: float,
                 bytecode_env: bool, fresh: bool, probed: dict) -> dict:
    floor = summary(bare, None)
    judged = "script" if "script" in guards else "module"
    groups: dict[str, dict] = {}
    for group in TARGETS:
        commands = [c for g, c, _ in cases if g == group]
        entry: dict = {"commands": len(commands), "target_ratio": TARGETS[group]}
        for name in guards:
            entry[name] = summary([x for c in commands for x in timed[name][c]], floor)
        entry["judged_on"] = judged
        entry["pass"] = entry[judged]["ratio"] <= TARGETS[group]
        groups[group] = entry
    per_command = {name: {c: round(statistics.median(w for w, _ in v), 2) for c, v in timed[name].items()}
                   for name in guards}
    return {
        "python": sys.version.split()[0],
        "executable": python,
        "fresh_install": fresh,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "runs": runs,
        "variants": {name: " ".join(argv) for name, argv in guards.items()},
        "bare": floor,
        "groups": groups,
        "per_command_median_ms": per_command,
        "pass": all(g["pass"] for g in groups.values()),
        "elapsed_s": round(elapsed, 1),
        "pythondontwritebytecode_in_env": bytecode_env,
        **probed,
    }


def print_report(report: dict, per_command: bool) -> None:
    kind = "fresh regular install" if report["fresh_install"] else "this environment"
    print(f"guard hook start-up benchmark ({kind}): Python {report['python']} ({report['executable']}), "
          f"{report['cpus']} CPUs, {report['runs']} runs per command per variant, {report['elapsed_s']} s")
    for name, argv in report["variants"].items():
        print(f"  {name:<7} {argv}")
    if report["pythondontwritebytecode_in_env"]:
        print("note: " + BYTECODE_NOTE)
    if report["editable_finder_at_startup"]:
        print(f"warning: {report['executable']} runs setuptools' editable-install finder at start-up (a development "
              "install): it inflates the bare baseline, so these ratios are better than a regular install's; run "
              "with --fresh-install for what users get")
    if report["guard_pyc_present"] is False:
        print("warning: no .pyc for guard/main.py after the warm-up; the install may be read-only, "
              "so these figures include recompiling the guard")
    print()
    bare = report["bare"]
    print(f"{'':<22}{'median ms':>10}{'p90 ms':>9}{'ratio':>8}{'cpu ms':>9}{'cpu ratio':>10}{'n':>6}")
    print(f"{'bare (python -c pass)':<22}{bare['median_ms']:>10.1f}{bare['p90_ms']:>9.1f}{'1.00x':>8}"
          f"{bare['cpu_median_ms']:>9.1f}{'1.00x':>10}{bare['samples']:>6}")
    for group, entry in report["groups"].items():
        for name in report["variants"]:
            s = entry[name]
            label = f"{group} / {name}"
            cpu_ratio = f"{s['cpu_ratio']:.2f}x" if s["cpu_ratio"] is not None else "-"
            print(f"{label:<22}{s['median_ms']:>10.1f}{s['p90_ms']:>9.1f}{s['ratio']:>7.2f}x"
                  f"{s['cpu_median_ms']:>9.1f}{cpu_ratio:>10}{s['samples']:>6}")
    print()
    for group, entry in report["groups"].items():
        ratio = entry[entry["judged_on"]]["ratio"]
        print(f"target {group:<8} <= {entry['target_ratio']:g}x bare ({entry['judged_on']}, wall median): "
              f"{ratio:.2f}x  {'PASS' if entry['pass'] else 'FAIL'}")
    print("(cpu = the child's user + system time: a cross-check when the machine is busy; the targets use wall time)")
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
    parser.add_argument("--fresh-install", action="store_true",
                        help="time a throwaway regular (non-editable) install of this guard package instead of "
                        "this environment's")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    bytecode_env = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    cases = [("ordinary", c, "pass") for c in ORDINARY] + [("aws", c, v) for c, v in AWS]
    root = tempfile.mkdtemp(prefix="guard-bench-")
    try:
        env, cwd = make_sandbox(root)
        python = fresh_install(root) if args.fresh_install else sys.executable
        guards = variants(python)
        start = time.perf_counter()
        warm_up(python, cases, guards, env, cwd)
        probed = probe(python, env, cwd)
        bare, timed = measure(python, cases, guards, env, cwd, args.runs)
        report = build_report(python, args.runs, bare, timed, cases, guards, time.perf_counter() - start,
                              bytecode_env, args.fresh_install, probed)
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
