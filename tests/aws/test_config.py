"""Reading ~/.aws/config and credentials the way the AWS CLI does."""
from __future__ import annotations

import pytest

from guard.aws import config as profiles
from guard.errors import ConfigError
from tests.testing import Home


def test_seed_profiles_resolve_to_their_role_accounts(home: Home) -> None:
    config = profiles.load(home.env)
    customer = config.resolve("CustomerA")
    assert customer is not None and customer.account == "222222222222"
    assert [p.name for p in customer.chain] == ["CustomerA", "Access CustomerA"]  # names may hold spaces
    assert config.resolve("default").account == "111111111111"
    assert config.resolve("base").account is None  # static keys: only STS can tell
    assert config.resolve("missing") is None


def test_source_profile_loops_are_detected(home: Home) -> None:
    loop = profiles.load(home.env).resolve("Loop")
    assert loop is not None and loop.loop


def test_a_profile_may_name_itself_as_source_when_it_has_keys(home: Home) -> None:
    (home.aws / "config").write_text("[profile self]\nrole_arn = arn:aws:iam::123456789012:role/R\n"
                                     "source_profile = self\naws_access_key_id = AKIA\naws_secret_access_key = s\n")
    resolved = profiles.load(home.env).resolve("self")
    assert resolved is not None and not resolved.loop and resolved.account == "123456789012"


def test_files_are_found_through_the_cli_variables(home: Home) -> None:
    other = home.path / "elsewhere"
    other.write_text("[profile Other]\nsso_account_id = 777777777777\nsso_session = s\n")
    config = profiles.load(dict(home.env, AWS_CONFIG_FILE=str(other), AWS_SHARED_CREDENTIALS_FILE=str(other) + "x"))
    assert config.names() == ["Other"]
    assert config.resolve("Other").account == "777777777777"


def test_an_unreadable_config_says_which_file(home: Home) -> None:
    (home.aws / "config").write_text("[profile x\nkey = value\n")
    with pytest.raises(ConfigError, match=str(home.aws / "config")):
        profiles.load(home.env)
