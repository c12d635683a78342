"""AWS CLI aliases (`~/.aws/cli/alias`), resolved the way the CLI resolves them.

A `[toplevel]` alias replaces the command of that name, built-in ones
included (awscli/alias.py AliasCommandInjector): `aws whoami` with
`whoami = sts get-caller-identity --profile prod` runs that command, and the
global options written in the alias (`--profile prod`) win over the ones on
the command line. An alias value starting with `!` runs a shell command, which
the guard does not follow: such a call is denied.
"""
from __future__ import annotations

from guard.aws import cli
from guard.shell.model import Word, lit

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Mapping

MAX_DEPTH = 5


class AliasError(Exception):
    """The alias cannot be resolved into an aws command the guard can check."""


def expand(argv: tuple[Word, ...], aliases: Mapping[str, str]) -> tuple[tuple[Word, ...], tuple[Word, ...], list[str]]:
    """(argv to decide, global options the aliases set, the aliases used); unchanged without an alias."""
    used: list[str] = []
    pinned: list[Word] = []
    while True:
        call = cli.parse(argv)
        name = call.positionals[0].value if call.positionals else None
        if name is None or name not in aliases or _shadows_itself(name, used):
            return argv, tuple(pinned), used
        if len(used) >= MAX_DEPTH or name in used:
            raise AliasError(f"alias {name!r} refers back to itself ({' -> '.join(used + [name])})")
        value = aliases[name]
        if value.startswith("!"):
            raise AliasError(f"alias {name!r} runs a shell command ({value!r}); the guard cannot check what it "
                             "does: run the commands it stands for instead")
        import shlex  # only when an alias applies: not on every aws call's path

        try:
            words = tuple(lit(w) for w in shlex.split(value))
        except ValueError as error:
            raise AliasError(f"alias {name!r} cannot be parsed ({error})") from None
        used.append(name)
        pinned.extend(_globals(words))
        rest = tuple(w for w in argv[1:] if w is not call.positionals[0])
        argv = (argv[0],) + words + rest


def _shadows_itself(name: str, used: list[str]) -> bool:
    """`sts = sts --region eu-west-3`: inside its own alias, a built-in's name is the built-in.

    The CLI keeps the command an alias shadows and runs it when the alias
    names it again (awscli/alias.py, ServiceAliasCommand's shadow_proxy_command).
    """
    if not used or used[-1] != name:
        return False
    from guard.aws.operations import cli_commands, index

    return name in index.services() or any(service == name for service, _ in cli_commands.COMMANDS)


def _globals(words: tuple[Word, ...]) -> list[Word]:
    """The global options an alias value sets, as words to append last (so they win, as in the CLI)."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        option = cli.match_global(words[i].value or "")
        if option is None:
            i += 1
            continue
        takes_value = cli.GLOBAL_OPTIONS[option] and "=" not in (words[i].value or "")
        out.extend(words[i:i + 2] if takes_value else words[i:i + 1])
        i += 2 if takes_value else 1
    return out
