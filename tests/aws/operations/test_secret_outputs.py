"""guard.aws.operations.secret_outputs: the calls whose output holds a secret, checked against the installed AWS CLI
and botocore: every entry is a real operation in CLI spelling, and every flag exists."""
from __future__ import annotations

from pathlib import Path

import pytest

from guard.aws.operations import cli_commands as cc
from guard.aws.operations import secret_outputs as so
from tests.testing import literal_duplicates

NOT_IN_V1 = cc.V2_ONLY | cc.LEGACY


def test_entries_have_notes_and_flags_are_options() -> None:
    for key, note in so.SECRET_OPERATIONS.items():
        assert len(key) == 2 and note.strip(), key
    for flag in [*so.SECRET_WITH_FLAG.values(), *so.SECRET_UNLESS_FLAG.values()]:
        assert flag.startswith("--") and flag == flag.lower(), flag


def test_no_key_is_classified_twice() -> None:
    secret = set(so.SECRET_OPERATIONS)
    assert not secret & set(cc.COMMANDS), "a customisation's kind already says secret"
    assert not secret & set(so.SECRET_WITH_FLAG) and not secret & set(so.SECRET_UNLESS_FLAG)
    assert not set(so.SECRET_WITH_FLAG) & set(so.SECRET_UNLESS_FLAG)


def test_no_duplicate_keys_in_the_source() -> None:
    dupes = literal_duplicates(Path(so.__file__))
    assert not dupes, f"written twice in {so.__file__}: {dupes}"



def test_secret_operations_are_real_operations(cli: dict, botocore_ops: dict[str, set[str]]) -> None:
    """CLI spelling, known to the guard's botocore or to the CLI's bundled one (or a customisation)."""
    def known(service: str, op: str) -> bool:
        return (op in botocore_ops.get(service, set()) or op in cli["api"].get(service, [])
                or (service, op) in cc.COMMANDS)

    keys = [*so.SECRET_OPERATIONS, *so.SECRET_WITH_FLAG, *so.SECRET_UNLESS_FLAG]
    unknown = sorted(key for key in keys if not known(*key))
    assert not unknown, f"not an operation in CLI spelling: {unknown}"
    targets = [alias for key, alias in cc.ALIASES.items() if key not in NOT_IN_V1]
    assert not [t for t in targets if not known(*t)], targets


def test_secret_flags_exist(cli: dict) -> None:
    for key, flag in [*so.SECRET_WITH_FLAG.items(), *so.SECRET_UNLESS_FLAG.items()]:
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
    assert any(part.lower() in so.SECRET_CONFIG_KEYS for part in varname.split(".")) is secret
