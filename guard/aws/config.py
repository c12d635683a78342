"""The AWS shared config and credentials files and the CLI's alias file, modelled plainly.

A `RawProfile` is one section as written (config `[profile X]` or `[default]`,
credentials `[X]`), merged the way botocore merges the two files. A
`ResolvedProfile` follows `source_profile` to the end of its chain, detects
loops, and says which account the configuration alone points at.

Files are found the way the CLI finds them: AWS_CONFIG_FILE,
AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.
"""
from __future__ import annotations

import configparser
import os
from types import MappingProxyType

from guard.aws import variables
from guard.errors import ConfigError
from guard.plumbing import paths
from guard.plumbing.record import record

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Mapping

@record(frozen=True)
class RawProfile:
    name: str
    settings: Mapping[str, str]

    def get(self, key: str) -> str | None:
        value = self.settings.get(key)
        return value.strip() if isinstance(value, str) else None

    def has_role(self) -> bool:
        return self.get("role_arn") is not None

    def has_keys(self) -> bool:
        return self.get("aws_access_key_id") is not None

    def has_sso(self) -> bool:
        return self.get("sso_account_id") is not None or self.get("sso_session") is not None


@record(frozen=True)
class ResolvedProfile:
    """A profile with its source chain linked: `chain[0]` is the profile itself."""

    name: str
    chain: tuple[RawProfile, ...]
    account: str | None  # what the config points at; None: only STS can tell
    account_from: str  # "role_arn", "sso_account_id", or why it is unknown
    loop: bool = False

    @property
    def raw(self) -> RawProfile:
        return self.chain[0]


@record(frozen=True)
class AwsConfig:
    profiles: Mapping[str, RawProfile]
    config_file: str
    credentials_file: str
    aliases: Mapping[str, str] = MappingProxyType({})  # ~/.aws/cli/alias [toplevel]: name -> value
    alias_file: str = ""

    def names(self) -> list[str]:
        return sorted(self.profiles)

    def key_holders(self) -> set[str]:
        """Profiles that only hold the keys other profiles assume roles from (the seed's `base`)."""
        sources = {p.get("source_profile") for p in self.profiles.values() if p.has_role()}
        return {n for n in sources if n is not None and n in self.profiles and not self.profiles[n].has_role()}

    def resolve(self, name: str) -> ResolvedProfile | None:
        if name not in self.profiles:
            return None
        chain, loop = self._chain(name)
        account, source = _account_of(chain[0])
        return ResolvedProfile(name, tuple(chain), account, source, loop)

    def _chain(self, name: str) -> tuple[list[RawProfile], bool]:
        """Follow source_profile; a profile may name itself when it has keys (botocore allows that)."""
        chain: list[RawProfile] = []
        seen: set[str] = set()
        current: str | None = name
        while current is not None:
            profile = self.profiles.get(current)
            if profile is None:
                return chain, False
            if current in seen:
                return chain, not (profile.has_keys() and chain[-1].name == current)
            seen.add(current)
            chain.append(profile)
            current = profile.get("source_profile") if profile.has_role() else None
        return chain, False


def _account_of(profile: RawProfile) -> tuple[str | None, str]:
    arn = profile.get("role_arn")
    if arn is not None:
        parts = arn.split(":")
        if len(parts) >= 6 and parts[0] == "arn" and parts[2] == "iam" and parts[4].isdigit():
            return parts[4], "role_arn"
        return None, f"role_arn {arn!r} is not a role ARN"
    sso = profile.get("sso_account_id")
    if sso is not None:
        return sso, "sso_account_id"
    if profile.get("credential_process"):
        return None, "credential_process (only STS can tell)"
    if profile.has_keys():
        return None, "static keys (only STS can tell)"
    return None, "no credentials in the config"


def config_paths(env: Mapping[str, str]) -> tuple[str, str]:
    home = paths.home(env)
    config = env.get(variables.CONFIG_FILE) or os.path.join(home, ".aws", "config")
    credentials = env.get(variables.CREDENTIALS_FILE) or os.path.join(home, ".aws", "credentials")
    return os.path.expanduser(config), os.path.expanduser(credentials)


def load(env: Mapping[str, str]) -> AwsConfig:
    """Read both files; missing files are empty, unreadable ones are a ConfigError."""
    config_file, credentials_file = config_paths(env)
    merged: dict[str, dict[str, str]] = {}
    for name, settings in _sections(config_file, config=True).items():
        merged.setdefault(name, {}).update(settings)
    for name, settings in _sections(credentials_file, config=False).items():
        merged.setdefault(name, {}).update(settings)  # botocore: credentials file wins
    profiles = {n: RawProfile(n, MappingProxyType(s)) for n, s in merged.items()}
    alias_file = os.path.join(paths.home(env), ".aws", "cli", "alias")
    aliases = _aliases(alias_file)
    return AwsConfig(MappingProxyType(profiles), config_file, credentials_file, MappingProxyType(aliases), alias_file)


def _aliases(path: str) -> dict[str, str]:
    """The CLI's aliases: the [toplevel] section of ~/.aws/cli/alias (awscli/alias.py AliasLoader)."""
    if not os.path.exists(path):
        return {}
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the AWS CLI alias file: {str(error).splitlines()[0]}") from None
    if not parser.has_section("toplevel"):
        return {}
    return {name: value.strip() for name, value in parser.items("toplevel")}


def _sections(path: str, config: bool) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the AWS {'config' if config else 'credentials'} file: "
                          f"{str(error).splitlines()[0]}") from None
    out: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        name = _profile_name(section.strip(), config)
        if name is not None:
            out[name] = dict(parser.items(section))
    return out


def _profile_name(section: str, config: bool) -> str | None:
    """botocore: `[profile X]` and `[default]` in config; any `[X]` in credentials."""
    if not config:
        return section
    if section == "default":
        return "default"
    if section.startswith("profile ") or section.startswith("profile\t"):
        return section[len("profile"):].strip()
    return None  # [sso-session x], [services x], and unprefixed names the CLI ignores
