#!/usr/bin/env python3
"""How long the isolated world's credential broker adds to an aws call.

    python bench/broker_bench.py [--runs N]

Side by side, in one run, against moto's STS on 127.0.0.1 (started here):

- bare:    `python -c pass`, the floor;
- broker:  `python -m guard credentials --world DIR RoleB` served from the caches (the AWS CLI's session cache
           and the guard's verdict cache, both filled by a first call);
- cli:     `aws sts get-caller-identity --profile RoleB` through the generated config (the broker runs as its
           credential_process) next to the same call on the user's own config.

RoleB is a role without MFA in 222222222222 (tests/testing.py IDENTITY_CONFIG). The timed processes run a
plain venv of the same base interpreter (its packages reached through a .pth file, the guard through
PYTHONPATH): an editable install's finder would run at every start-up and inflate the bare baseline (see
bench/hook_bench.py). PYTHONDONTWRITEBYTECODE is unset for them, so they use .pyc files as an installed guard does. Targets: broker <= 3x bare,
cli through the broker <= 1.25x the direct call. Exit 0 when both hold, 1 otherwise.
"""
from __future__ import annotations

import argparse
import site
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from guard import wiring  # noqa: E402
from guard.aws import world as worlds  # noqa: E402
from tests.testing import IDENTITY_CONFIG, IDENTITY_CREDENTIALS, IDENTITY_POLICY, MotoServer, aws_cli, make_home  # noqa: E402

TARGETS = {"broker": 3.0, "cli": 1.25}


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, metavar="N", help="timings of each (default 15)")
    runs = parser.parse_args().runs
    moto = MotoServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="aws-guard-broker-") as tmp:
            return measure(Path(tmp), moto, runs)
    finally:
        moto.stop()


def measure(root: Path, moto: MotoServer, runs: int) -> int:
    home = make_home(root, IDENTITY_CONFIG, IDENTITY_CREDENTIALS)
    home.write_policy(IDENTITY_POLICY)
    home.env["AWS_ENDPOINT_URL"] = moto.url
    home.env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = plain_interpreter(root / "venv")
    ctx = wiring.context(None, home.env, str(home.path))
    world = worlds.build(ctx.policy, ctx.aws, [python, "-m", "guard"], home.env, worlds.default_folder(home.env))
    inside = {**home.env, **world.environment(), "PYTHONPATH": str(REPO)}
    broker = [python, "-m", "guard", "credentials", "--world", world.folder, "RoleB"]
    timed(broker, inside)  # fills the caches
    bare = [timed([python, "-c", "pass"], inside) for _ in range(runs)]
    served = [timed(broker, inside) for _ in range(runs)]
    cli_inside, cli_direct = [], []
    for _ in range(max(3, runs // 3)):
        cli_inside.append(_cli(inside))
        cli_direct.append(_cli(home.env))
    ratios = {"broker": statistics.median(served) / statistics.median(bare),
              "cli": statistics.median(cli_inside) / statistics.median(cli_direct)}
    print(f"bare (python -c pass)            {statistics.median(bare) * 1000:7.1f} ms")
    print(f"guard credentials, from caches    {statistics.median(served) * 1000:7.1f} ms  {ratios['broker']:.2f}x bare")
    print(f"aws sts get-caller-identity, world {statistics.median(cli_inside) * 1000:6.0f} ms")
    print(f"aws sts get-caller-identity, own   {statistics.median(cli_direct) * 1000:6.0f} ms  "
          f"{ratios['cli']:.2f}x through the broker")
    passed = all(ratios[k] <= TARGETS[k] for k in TARGETS)
    for key, target in TARGETS.items():
        print(f"target {key:6} <= {target}x: {ratios[key]:.2f}x  {'PASS' if ratios[key] <= target else 'FAIL'}")
    return 0 if passed else 1


def plain_interpreter(folder: Path) -> str:
    """A venv of the base interpreter without this checkout's editable finder; this venv's packages via .pth."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    inner = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"], check=True,
                           capture_output=True, text=True).stdout.strip()
    Path(inner, "outer.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return str(python)


def _cli(env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = aws_cli("sts", "get-caller-identity", "--profile", "RoleB", env=env)
    if done.returncode != 0:
        raise SystemExit(f"aws failed: {done.stderr[-500:]}")
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
