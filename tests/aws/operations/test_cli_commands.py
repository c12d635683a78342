"""guard.aws.operations.cli_commands: the hand-written table of CLI customisations, checked against the installed
AWS CLI, so an upgrade that adds a customisation or drops one fails here."""
from __future__ import annotations

from pathlib import Path

from guard.aws.operations import cli_commands as cc
from tests.aws.operations.conftest import CLI_SERVICE_NAMES, HIDDEN_SERVICE_ALIASES
from tests.testing import literal_duplicates

NOT_IN_V1 = cc.V2_ONLY | cc.LEGACY


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
        f"guard/aws/operations/cli_commands.py (add each with a kind and a note): {missing + missing_third}")
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


def test_sets_refer_to_the_table() -> None:
    assert cc.V2_ONLY | cc.V1_ONLY | cc.LEGACY <= set(cc.COMMANDS)
    assert not (cc.V2_ONLY & cc.V1_ONLY or cc.V2_ONLY & cc.LEGACY or cc.V1_ONLY & cc.LEGACY)
    assert set(cc.ALIASES) <= set(cc.COMMANDS)
    assert {(s, op) for s, op, _ in cc.SUBCOMMANDS} <= set(cc.COMMANDS)


def test_no_duplicate_keys_in_the_source() -> None:
    dupes = literal_duplicates(Path(cc.__file__))
    assert not dupes, f"written twice in {cc.__file__}: {dupes}"

