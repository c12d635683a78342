"""One family of errors, mapped to exit codes in one place (guard.main)."""
from __future__ import annotations


class GuardError(Exception):
    """An error the user can fix; its message says where and what to do."""

    exit_code = 1


class ConfigError(GuardError):
    """A policy or AWS config file that cannot be used as it is."""


class UsageError(GuardError):
    """The command line of `guard` itself is wrong."""


class HookInputError(GuardError):
    """Claude Code sent the hook something it cannot read."""
