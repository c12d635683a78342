"""`guard init`: the user's policy written from ~/.aws/config, as a real process on the seed home.

Every profile that reaches an account through a role is declared read-only with a comment saying where the
account came from; key holders and profiles only STS can place are left out; the file must load as a policy.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.testing import REPO, Home, MotoServer, guard

# The seed's role profiles and the accounts their role_arn names.
ROLE_PROFILES = {"default": "111111111111", "CustomerA": "222222222222", "Writer": "111111111111",
                 "Asker": "111111111111", "Prod": "999999999999", "Drifted": "444444444444",
                 "Patterned": "222222222222"}
KEY_HOLDERS = ("base", "Access CustomerA")
LOOPED = ("Loop", "LoopBack")  # each other's source_profile: no credentials at the end of the chain
EXAMPLE = REPO / "guard" / "policy" / "example.yaml"


def policy_file(home: Home) -> Path:
    return home.path / ".claude" / "aws-guard.yaml"


def append(path: Path, text: str) -> None:
    with path.open("a") as handle:
        handle.write(text)


def init(home: Home, *args: str) -> subprocess.CompletedProcess[str]:
    return guard("init", *args, env=home.env, cwd=home.path)


def briefed_profiles(home: Home, *args: str) -> list[str]:
    """The `  - NAME: account ..., access` lines of the SessionStart briefing: the policy as the guard loaded it."""
    result = guard("session-start", *args, env=home.env, cwd=home.path)
    assert result.returncode == 0, result.stderr
    text = json.loads(result.stdout)["hookSpecificOutput"]["additionalContext"]
    assert "could not load its policy" not in text, text
    return [line for line in text.splitlines() if line.startswith("  - ")]


def test_init_writes_every_role_profile_read_only_and_prints_the_file(home: Home) -> None:
    result = init(home)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    target = policy_file(home)
    text = target.read_text()
    assert result.stdout == f"{target}: written from your AWS config\n{text}Check it with: guard doctor\n"
    data = yaml.safe_load(text)
    assert data["version"] == 1 and data["verify_identity"] is True
    assert data["profiles"] == {name: {"account": account, "access": "read-only"}
                                for name, account in ROLE_PROFILES.items()}
    lines = text.splitlines()
    for name, account in ROLE_PROFILES.items():
        declared = next(i for i, line in enumerate(lines) if re.match(rf'  "?{name}"?: ', line))
        assert re.fullmatch(rf"  # {name}: account from role_arn arn:aws:iam::{account}:role/\w+", lines[declared - 1])


def test_init_leaves_out_the_profiles_that_only_hold_keys(home: Home) -> None:
    assert init(home).returncode == 0
    text = policy_file(home).read_text()
    assert not set(KEY_HOLDERS) & set(yaml.safe_load(text)["profiles"])
    for name in KEY_HOLDERS:
        assert f"# left out: {name} only holds the keys other profiles assume roles from" in text.splitlines()


def test_the_written_policy_passes_a_read_and_denies_a_write(home: Home, sts: MotoServer) -> None:
    assert init(home).returncode == 0
    read = guard("test", "--json", "aws s3 ls --profile Writer", env=home.env, cwd=home.path)
    assert read.returncode == 0, read.stdout
    assert json.loads(read.stdout)["calls"][0]["account"] == "111111111111"
    write = guard("test", "--json", "aws s3 rb s3://b --profile Writer", env=home.env, cwd=home.path)
    decision = json.loads(write.stdout)
    assert write.returncode == 2 and decision["decision"] == "deny"
    assert f"profile Writer is read-only ({policy_file(home)}: profiles.Writer)" in decision["reason"]


def test_a_profile_only_sts_can_place_is_left_out_with_how_to_add_it(home: Home, tmp_path: Path) -> None:
    append(home.aws / "config", "[profile keysonly]\nregion = us-east-1\n")
    append(home.aws / "credentials", "[keysonly]\naws_access_key_id = AKIAIOSFODNN7EXAMPL3\n"
                                     "aws_secret_access_key = wJalrXUtnFEMIEXAMPLEKE3\n")
    assert init(home).returncode == 0
    text = policy_file(home).read_text()
    assert "keysonly" not in yaml.safe_load(text)["profiles"]
    [line] = [line for line in text.splitlines() if "keysonly" in line]
    assert line.startswith("# left out: keysonly: the config does not say which account")
    _, snippet = line.split("add it as ", 1)
    assert yaml.safe_load(snippet) == {"keysonly": {"account": "ACCOUNT", "access": "read-only"}}
    # What the line says to add, with the account filled in, is a profile the guard accepts.
    added = tmp_path / "added.yaml"
    added.write_text("version: 1\nprofiles:\n  " + snippet.strip().replace("ACCOUNT", "123456789012") + "\n")
    assert briefed_profiles(home, "--config", str(added)) == ["  - keysonly: account 123456789012, read-only"]


def test_an_existing_policy_is_refused_and_left_unchanged(home: Home) -> None:
    mine = home.write_policy("version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: read-write}\n")
    result = init(home)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"guard: {mine} exists") and "--force" in result.stderr
    assert mine.read_text() == "version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: read-write}\n"
    assert sorted(p.name for p in mine.parent.iterdir()) == ["aws-guard.yaml"]


def test_force_replaces_the_policy_and_keeps_a_backup_of_the_old_one(home: Home) -> None:
    old = "version: 1\nprofiles:\n  CustomerA: {account: '222222222222', access: read-write}\n"
    mine = home.write_policy(old)
    result = init(home, "--force")
    assert result.returncode == 0, result.stderr
    assert set(yaml.safe_load(mine.read_text())["profiles"]) == set(ROLE_PROFILES)
    [backup] = [p for p in mine.parent.iterdir() if p.name.startswith("aws-guard.yaml.bak-")]
    assert backup.read_text() == old
    assert "  - Writer: account 111111111111, read-only" in briefed_profiles(home)


def test_example_prints_the_shipped_example_which_is_a_valid_policy(home: Home, tmp_path: Path) -> None:
    result = init(home, "--example")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == EXAMPLE.read_text()
    assert (REPO / "config" / "policy.example.yaml").resolve() == EXAMPLE.resolve()
    assert not policy_file(home).exists()  # printed only, nothing written
    copy = tmp_path / "example.yaml"
    copy.write_text(result.stdout)
    assert briefed_profiles(home, "--config", str(copy)) == ["  - CustomerA: account 222222222222, read-only",
                                                              "  - default: account 111111111111, read-only"]


@pytest.mark.parametrize("name", ["Customer B", "yes", "null", "007", "a: b #c"])
def test_a_profile_name_yaml_would_misread_is_written_so_it_loads(home: Home, sts: MotoServer, name: str) -> None:
    append(home.aws / "config", f"[profile {name}]\nsource_profile = base\nrole_arn = arn:aws:iam::777777777777:role/R\n")
    assert init(home).returncode == 0
    assert yaml.safe_load(policy_file(home).read_text())["profiles"][name] == {
        "account": "777777777777", "access": "read-only"}
    assert f"  - {name}: account 777777777777, read-only" in briefed_profiles(home)
    result = guard("test", "--json", "aws", "s3", "ls", "--profile", name, env=home.env, cwd=home.path)
    call = json.loads(result.stdout)["calls"][0]
    assert result.returncode == 0, result.stdout
    assert (call["profile"], call["account"]) == (name, "777777777777")


def test_profiles_whose_source_chain_cannot_give_credentials_are_left_out_saying_why(home: Home) -> None:
    """A looping or dangling source_profile can never work (`guard doctor` reports it): it is not declared."""
    append(home.aws / "config", "[profile Dangling]\nsource_profile = nowhere\nrole_arn = arn:aws:iam::222222222222:role/R\n")
    assert init(home).returncode == 0
    text = policy_file(home).read_text()
    assert not set(LOOPED) & set(yaml.safe_load(text)["profiles"]) and "Dangling" not in yaml.safe_load(text)["profiles"]
    assert "# left out: Loop: its source_profile chain loops" in text
    assert "# left out: Dangling: its source_profile nowhere does not exist" in text
