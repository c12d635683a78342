"""guard.clicommands: the hand-written table of CLI customisations and secret-bearing calls, checked against
the installed AWS CLI and botocore, so an upgrade that adds a customisation or drops an operation fails here."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

from guard import clicommands as cc
from tests.testing import clean_env

# botocore service name -> the name the AWS CLI gives it, where they differ (awscli customisations rename
# these; `runtime.sagemaker` is a hidden second name of `sagemaker-runtime`).
CLI_SERVICE_NAMES = {"s3": "s3api", "codedeploy": "deploy", "config": "configservice"}
HIDDEN_SERVICE_ALIASES = {"runtime.sagemaker": "sagemaker-runtime"}

# Runs in a separate interpreter: importing awscli makes `import botocore` load awscli's bundled botocore.
WALK = r'''
import json, sys
import awscli, botocore
from awscli.clidriver import ServiceCommand, ServiceOperation, create_clidriver
from botocore import xform_name

wanted = {tuple(pair) for pair in json.load(sys.stdin)}
out = {"awscli": awscli.__version__, "botocore": botocore.__version__,
       "services": {}, "api": {}, "commands": [], "args": {}}

def subcommands(command):
    return command.subcommand_table if getattr(command, "SUBCOMMANDS", None) else {}

def note(path, command):
    out["commands"].append({"path": list(path), "class": type(command).__name__})

def args(path, command):
    if tuple(path) in wanted:
        out["args"][" ".join(path)] = sorted(command.arg_table)

for name, command in create_clidriver()._get_command_table().items():
    if isinstance(command, ServiceCommand):
        out["services"][name] = command._service_name
        api = {xform_name(op, "-") for op in command._get_service_model().operation_names}
        out["api"][name] = sorted(api)
        for op, sub in command._get_command_table().items():
            args((name, op), sub)
            if type(sub) is ServiceOperation and op in api:
                continue
            note((name, op), sub)
            if op != "wait":
                for third, subsub in subcommands(sub).items():
                    note((name, op, third), subsub)
    else:
        note((name,), command)
        for op, sub in subcommands(command).items():
            note((name, op), sub)
            args((name, op), sub)
json.dump(out, sys.stdout)
'''

NOT_IN_V1 = cc.V2_ONLY | cc.LEGACY


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The installed AWS CLI v1, walked: its services, API operations, non-API commands and some arg tables."""
    home = tmp_path_factory.mktemp("home")  # no ~/.aws/cli/alias, no ~/.aws/models, no AWS_DATA_PATH
    wanted = [list(key) for key in (*cc.SECRET_WITH_FLAG, *cc.SECRET_UNLESS_FLAG)]
    done = subprocess.run([sys.executable, "-c", WALK], input=json.dumps(wanted), capture_output=True, text=True,
                          env=clean_env(home), timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def botocore_ops() -> dict[str, set[str]]:
    """CLI service name -> CLI operation names, from the botocore the guard itself uses."""
    session = botocore.session.get_session()
    out: dict[str, set[str]] = {}
    for service in session.get_available_services():
        model = session.get_service_model(service)
        out[CLI_SERVICE_NAMES.get(service, service)] = {xform_name(op, "-") for op in model.operation_names}
    return out


def installed_commands(cli: dict) -> tuple[set[tuple], set[tuple], set[tuple]]:
    """(top-level and second-level commands as COMMANDS keys, third-level paths, services that have `wait`)."""
    services = set(cli["services"])
    keys, third, waiters = set(), set(), set()
    for row in cli["commands"]:
        path = tuple(row["path"])
        if len(path) == 1:
            keys.add((path[0], None))
        elif len(path) == 2 and path[1] == "wait" and path[0] in services:
            assert row["class"] == "WaitCommand", row
            waiters.add(path[0])
        elif len(path) == 2:
            keys.add(path)
        else:
            third.add(path)
    return keys, third, waiters


def test_installed_cli_is_v1(cli: dict) -> None:
    assert cli["awscli"].startswith("1."), "the table's V2_ONLY split assumes the installed awscli is v1"


def test_every_customisation_is_in_the_table(cli: dict) -> None:
    keys, third, waiters = installed_commands(cli)
    missing = sorted(k for k in keys if k not in cc.COMMANDS)
    missing_third = sorted(p for p in third if p not in cc.SUBCOMMANDS)
    assert not missing and not missing_third, (
        f"awscli {cli['awscli']} has commands that are no API operation and are missing from "
        f"guard/clicommands.py (add each with a kind and a note): {missing + missing_third}")
    assert waiters, "no `wait` command found: the walk is broken"
    assert cc.COMMANDS[(cc.ANY_SERVICE, "wait")][0] == "wait"


def test_every_v1_entry_is_in_the_installed_cli(cli: dict) -> None:
    keys, third, _ = installed_commands(cli)
    stale = sorted(k for k in cc.COMMANDS if k[0] != cc.ANY_SERVICE and k not in NOT_IN_V1 and k not in keys)
    stale += sorted(p for p in cc.SUBCOMMANDS if p not in third)
    assert not stale, f"awscli {cli['awscli']} no longer has these: move them to LEGACY or drop them: {stale}"


def test_v2_only_entries_are_not_in_v1(cli: dict) -> None:
    keys, _, _ = installed_commands(cli)
    grown = sorted(k for k in cc.V2_ONLY if k in keys)
    assert not grown, f"awscli {cli['awscli']} has these now: drop them from V2_ONLY: {grown}"


def test_cli_service_names(cli: dict) -> None:
    renamed = {name: service for name, service in cli["services"].items() if name != service}
    expected = {cli_name: service for service, cli_name in CLI_SERVICE_NAMES.items()} | HIDDEN_SERVICE_ALIASES
    assert renamed == expected


def test_kinds_and_notes() -> None:
    for key, (kind, note) in [*cc.COMMANDS.items(), *cc.SUBCOMMANDS.items()]:
        assert kind in cc.KINDS, key
        assert note.strip(), key
        assert all(isinstance(part, str) and part for part in key if part is not None), key
        assert (kind == "wait") == (key == (cc.ANY_SERVICE, "wait")), key
    for key, note in cc.SECRET_OPERATIONS.items():
        assert len(key) == 2 and note.strip(), key
    for flag in [*cc.SECRET_WITH_FLAG.values(), *cc.SECRET_UNLESS_FLAG.values()]:
        assert flag.startswith("--") and flag == flag.lower(), flag


def test_sets_refer_to_the_table() -> None:
    assert cc.V2_ONLY | cc.V1_ONLY | cc.LEGACY <= set(cc.COMMANDS)
    assert not (cc.V2_ONLY & cc.V1_ONLY or cc.V2_ONLY & cc.LEGACY or cc.V1_ONLY & cc.LEGACY)
    assert set(cc.ALIASES) <= set(cc.COMMANDS)
    assert {(s, op) for s, op, _ in cc.SUBCOMMANDS} <= set(cc.COMMANDS)


def test_no_key_is_classified_twice() -> None:
    secret = set(cc.SECRET_OPERATIONS)
    assert not secret & set(cc.COMMANDS), "a customisation's kind already says secret"
    assert not secret & set(cc.SECRET_WITH_FLAG) and not secret & set(cc.SECRET_UNLESS_FLAG)
    assert not set(cc.SECRET_WITH_FLAG) & set(cc.SECRET_UNLESS_FLAG)


def test_no_duplicate_keys_in_the_source() -> None:
    """A dict literal keeps the last of two equal keys silently; the source must not hold any."""
    tree = ast.parse(Path(cc.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [ast.unparse(key) for key in node.keys if key is not None]
            dupes = sorted({key for key in keys if keys.count(key) > 1})
            assert not dupes, f"duplicate keys in guard/clicommands.py: {dupes}"
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "frozenset" and node.args:
            items = [ast.unparse(element) for element in getattr(node.args[0], "elts", [])]
            dupes = sorted({item for item in items if items.count(item) > 1})
            assert not dupes, f"duplicate entries in guard/clicommands.py: {dupes}"


def test_secret_operations_are_real_operations(cli: dict, botocore_ops: dict[str, set[str]]) -> None:
    """CLI spelling, known to the guard's botocore or to the CLI's bundled one (or a customisation)."""
    def known(service: str, op: str) -> bool:
        return (op in botocore_ops.get(service, set()) or op in cli["api"].get(service, [])
                or (service, op) in cc.COMMANDS)

    keys = [*cc.SECRET_OPERATIONS, *cc.SECRET_WITH_FLAG, *cc.SECRET_UNLESS_FLAG]
    unknown = sorted(key for key in keys if not known(*key))
    assert not unknown, f"not an operation in CLI spelling: {unknown}"
    targets = [alias for key, alias in cc.ALIASES.items() if key not in NOT_IN_V1]
    assert not [t for t in targets if not known(*t)], targets


def test_secret_flags_exist(cli: dict) -> None:
    for key, flag in [*cc.SECRET_WITH_FLAG.items(), *cc.SECRET_UNLESS_FLAG.items()]:
        arguments = cli["args"].get(" ".join(key))
        assert arguments is not None, f"{key} not found in the installed CLI"
        assert flag[2:] in arguments, f"{' '.join(key)} has no {flag}: {arguments}"


@pytest.mark.parametrize("varname, secret", [
    ("aws_secret_access_key", True),
    ("profile.prod.aws_session_token", True),
    ("default.AWS_SECRET_ACCESS_KEY", True),
    ("region", False),
    ("profile.prod.role_arn", False),
    ("aws_access_key_id", False),
])
def test_configure_get_rule(varname: str, secret: bool) -> None:
    """The rule the docstring states for `configure get VARNAME`."""
    assert any(part.lower() in cc.SECRET_CONFIG_KEYS for part in varname.split(".")) is secret
