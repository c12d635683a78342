"""How the AWS CLI reads its own command line: global options, service, operation.

The CLI (v1 awscli/clidriver.py and v2 alike) parses its global options with
argparse `parse_known_args` over the *whole* argv, so `--profile` may stand
anywhere after `aws`, may be abbreviated to any unique prefix (`--prof`,
`--p`), may be written `--profile=x`, and the last one wins. Everything after
`--` is left alone. An empty value (`--profile ''`) is falsy and ignored.
"""
from __future__ import annotations

from guard.plumbing.record import field, record
from guard.shell.model import Word

# Global options of CLI v1 and v2 (`aws help`), and whether each takes a value.
GLOBAL_OPTIONS: dict[str, bool] = {
    "--debug": False, "--endpoint-url": True, "--no-verify-ssl": False, "--no-paginate": False,
    "--output": True, "--query": True, "--profile": True, "--region": True, "--version": False,
    "--color": True, "--no-sign-request": False, "--ca-bundle": True, "--cli-read-timeout": True,
    "--cli-connect-timeout": True, "--cli-binary-format": True, "--no-cli-pager": False,
    "--cli-auto-prompt": False, "--no-cli-auto-prompt": False, "--cli-error-format": True,
}


@record(frozen=True)
class AwsCall:
    """One `aws ...` argv, read the way the CLI reads it."""

    argv: tuple[Word, ...]
    service: str | None = None
    operation: str | None = None
    profile: Word | None = None  # the --profile that wins, if any
    options: dict[str, Word] = field(default_factory=dict)  # the last value of each global option
    flags: frozenset[str] = frozenset()
    positionals: tuple[Word, ...] = ()
    error: str | None = None  # the CLI itself would reject this argv

    @property
    def is_help(self) -> bool:
        """`aws help`, `aws SVC help`, `aws SVC OP help`.

        For an operation the CLI shows help only when `help` is all that follows
        it (customisations such as `s3 cp` use ArgTableArgParser, which checks
        `args == ['help']`), so `aws s3 cp help s3://b/help` is a copy.
        """
        words = [w.value for w in self.positionals]
        return words[:1] == ["help"] or words[1:2] == ["help"] or words[2:] == ["help"]

    def values_of(self, option: str) -> list[str | None]:
        """Every value the operation's parser could take for `option` (None: computed at run time).

        The CLI reads operation options with argparse too: any unambiguous
        prefix names the option (`--role-ar X`) and the last one wins. The
        guard does not know every option of every operation, so it takes each
        prefix of `option` that is not a global option, and every occurrence.
        """
        found: list[str | None] = []
        for i, word in enumerate(self.argv[1:], start=1):
            token = word.value or ""
            if token == "--":
                break
            name, eq, attached = token.partition("=")
            if len(name) < 4 or not option.startswith(name) or match_global(token) is not None:
                continue
            if eq:
                found.append(attached)
            elif i + 1 < len(self.argv):
                found.append(self.argv[i + 1].value)
        return found

    @property
    def reaches_no_account(self) -> bool:
        """`aws --version`, `aws help`, `aws s3 help`, `aws configure list-profiles`."""
        if self.is_help or "--version" in self.flags:
            return True
        return self.service is None or (self.service, self.operation) == ("configure", "list-profiles")


def match_global(token: str) -> str | None:
    """The global option an argv token names, with argparse's prefix rules.

    argparse (allow_abbrev) accepts any unambiguous prefix of a long option,
    with or without `=value`; an ambiguous prefix is an error there, and the
    guard treats it as no match.
    """
    name = token.split("=", 1)[0] if token.startswith("--") else token
    if name in GLOBAL_OPTIONS:
        return name
    if not name.startswith("--") or len(name) < 3:
        return None
    matches = [option for option in GLOBAL_OPTIONS if option.startswith(name)]
    return matches[0] if len(matches) == 1 else None


def parse(argv: tuple[Word, ...]) -> AwsCall:
    """Read argv (argv[0] is `aws`) into an AwsCall."""
    options: dict[str, Word] = {}
    flags: set[str] = set()
    positionals: list[Word] = []
    error = None
    i = 1
    while i < len(argv):
        word = argv[i]
        token = word.value
        if token == "--":
            break  # argparse: everything after `--` is positional, never an option
        if token is None and _computed_value(word, options):
            i += 1
            continue
        option = match_global(token) if token is not None else None
        if option is None:
            positionals.append(word)
            i += 1
            continue
        if not GLOBAL_OPTIONS[option]:
            flags.add(option)
            i += 1
            continue
        value, i, problem = _option_value(argv, i, token or "", option)
        error = error or problem
        if value is not None:
            options[option] = value
    return _call(argv, options, frozenset(flags), tuple(positionals), error)


def _computed_value(word: Word, options: dict[str, Word]) -> bool:
    """`--profile="$p"`: an option written out, its value computed at run time (stored as a computed word)."""
    name, eq, rest = word.prefix.partition("=")
    option = match_global(name) if name.startswith("--") and eq else None
    if option is None or not GLOBAL_OPTIONS[option]:
        return False
    options[option] = Word(word.text, None, rest)
    return True


def _option_value(argv: tuple[Word, ...], i: int, token: str, option: str) -> tuple[Word | None, int, str | None]:
    if "=" in token:
        value = token.split("=", 1)[1]
        return Word(argv[i].text, value, value), i + 1, None
    if i + 1 >= len(argv):
        return None, i + 1, f"{option} expects a value"
    nxt = argv[i + 1]
    if nxt.value is not None and nxt.value.startswith("-") and not _negative_number(nxt.value):
        return None, i + 1, f"{option} expects a value, got {nxt.value}"
    return nxt, i + 2, None


def _negative_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _call(argv: tuple[Word, ...], options: dict[str, Word], flags: frozenset[str],
          positionals: tuple[Word, ...], error: str | None) -> AwsCall:
    profile = options.get("--profile")
    if profile is not None and profile.value == "":
        profile = None  # the CLI tests `if parsed_args.profile:`; '' falls back to the environment
    commands = [w for w in positionals if not (w.literal and (w.value or "").startswith("-"))]
    service = commands[0].value if commands and commands[0].literal else None
    operation = commands[1].value if len(commands) > 1 and commands[1].literal else None
    if commands and not commands[0].literal:
        error = error or f"the service name `{commands[0].text}` is computed at run time"
    return AwsCall(argv, service, operation, profile, options, flags, positionals, error)
