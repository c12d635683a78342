"""The `guard` command line: parse arguments, dispatch to guard.commands, map errors to exit codes.

Each verb is one row of VERBS: its help, its arguments, and the function in
guard.commands it calls (imported only when that verb runs).
"""
from __future__ import annotations

import sys

from guard.errors import GuardError

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    import argparse
    from typing import Any, Callable, NoReturn, Sequence, Union

    Option = tuple[tuple[str, ...], dict[str, Any]]  # flags and add_argument's keywords
    Argument = Union[Option, str]  # an option, or the SCOPE marker

CONFIG = (("--config",), {"metavar": "FILE", "help": "policy file (default: $AWS_GUARD_CONFIG, else "
                                                     "~/.claude/aws-guard.yaml narrowed by the project's "
                                                     ".claude/aws-guard.yaml)"})
JSON = (("--json",), {"action": "store_true", "help": "print JSON"})
SCOPE = "scope"  # marker: the --user/--project/--local choice of install and uninstall
EXIT_CODES = ("exit codes: 0 pass (or done), 2 deny (or a check failed), 3 ask, 1 the guard could not run "
              "(bad usage, a bad policy or settings file); 141 when the output pipe closes early")

# name, one-line help, description, arguments, "module:function", the parsed fields passed to it in order
VERBS: tuple[tuple[str, str, str, tuple[Argument, ...], str, tuple[str, ...]], ...] = (
    ("test", "decide a command as the hook would (dry run)",
     "Decide COMMAND exactly as the hook would, in this directory and environment. "
     "Exit 0 pass, 2 deny, 3 ask, 1 the guard could not run.",
     ((("command",), {"nargs": "...", "metavar": "COMMAND", "help": "the shell command: one quoted argument, or its "
                                                                  "words (`guard test -- aws s3 ls --profile P`)"}),
      (("--json",), {"action": "store_true", "help": "print one JSON object"}),
      (("--from",), {"dest": "source", "metavar": "FILE", "help": "read one JSON string (a command) per line "
                                                                 "('-' for stdin); print one JSON object per line"}),
      CONFIG),
     "test:main", ("command", "config", "json", "source")),
    ("verify", "prove with STS who each policy profile really is",
     "Call STS GetCallerIdentity for each profile (all policy profiles by default) without ever prompting, and "
     "print the declared and live account, the ARN, where the credentials came from and how long the session "
     "has left. Exit 0 when all match, 2 otherwise.",
     ((("--profile",), {"action": "append", "default": [], "metavar": "P", "help": "check only P (repeatable)"}),
      JSON, CONFIG),
     "verify:run", ("profile", "config", "json")),
    ("doctor", "check the policy, the AWS config and the environment",
     "Check the whole setup and print a table of findings with fixes. Exit 2 when any finding is an error.",
     (JSON, CONFIG), "doctor:run", ("config", "json")),
    ("install", "add the guard's hooks to Claude Code's settings",
     "Add the PreToolUse hook (every shell and file tool) and the SessionStart briefing to Claude Code's "
     "settings: by default the user's ~/.claude/settings.json, which every session reads wherever it starts. "
     "The hook blocks commands that mention aws when the guard itself cannot start. Merges with what is there, "
     "backs the file up first, keeps the entry's arguments and any command you wrote around the guard, changes "
     "nothing when already installed, and refuses a file that is not valid JSON or not writable. Without a "
     "policy yet, writes one (guard init).",
     (SCOPE, (("--managed",), {"metavar": "DIR", "help": "write a managed-settings fragment, "
                                                          "DIR/managed-settings.d/aws-guard.json, for a fleet "
                                                          "(DIR is /etc/claude-code on Linux)"}),
      (("--config",), {"metavar": "FILE", "help": "the policy the hook reads, instead of the default lookup"})),
     "install:run", ("scope", "managed", "config")),
    ("uninstall", "remove only the guard's own hooks from Claude Code's settings",
     "Remove the guard's hooks from the settings file; every other setting and hook stays. "
     "The file is backed up first.",
     (SCOPE,), "uninstall:run", ("scope",)),
    ("init", "write ~/.claude/aws-guard.yaml from your AWS config",
     "Write the policy from ~/.aws/config: every profile that reaches an account through a role or IAM Identity "
     "Center, read-only, with a comment saying where the account came from; key-holder profiles are left out. "
     "Refuses to overwrite an existing policy without --force.",
     ((("--force",), {"action": "store_true", "help": "replace an existing policy (a backup is kept)"}),
      (("--example",), {"action": "store_true", "help": "print the example policy shipped with the guard instead"})),
     "init:run", ("force", "example")),
    ("status", "where the guard is installed, and which policy it applies",
     "Show the guard's hooks in the user, project and local settings files and the policy in effect here. "
     "Exit 0 when the PreToolUse hook is installed somewhere, 2 otherwise.",
     (CONFIG,), "status:run", ("config",)),
    ("log", "show the audit log of aws decisions",
     "Show the guard's audit log (every decision on a command that holds an aws call) as a table, oldest first.",
     ((("--since",), {"metavar": "WHEN", "help": "only records newer than WHEN: 30m, 1h, 2d, 1w or a date"}),
      (("--decision",), {"choices": ["pass", "ask", "deny"], "help": "only this decision"}),
      (("--profile",), {"metavar": "P", "help": "only records with a call on profile P"}),
      (("--json",), {"action": "store_true", "help": "print the records as JSON lines"})),
     "log:run", ("since", "decision", "profile", "json")),
    ("replay", "decide the shell commands of past Claude Code sessions under today's policy",
     "Read Claude Code transcripts (~/.claude/projects/<project>/<session>.jsonl) and decide every shell command "
     "in them as the hook would now; print those that would be denied or asked, and a summary. "
     "Exit 0 all pass, 3 some ask, 2 some deny.",
     ((("transcripts",), {"nargs": "+", "metavar": "TRANSCRIPT.jsonl"}),
      (("--verify",), {"action": "store_true", "help": "also verify identities with STS (default: static checks)"}),
      (("--json",), {"action": "store_true", "help": "one JSON object per command, then a summary object"}),
      CONFIG),
     "replay:run", ("transcripts", "config", "verify", "json")),
    ("hook", "Claude Code PreToolUse hook (reads the event JSON on stdin)",
     "Read a Claude Code PreToolUse event on stdin. Print nothing to let the command run; print a deny or ask "
     "decision otherwise. Always exits 0.",
     (CONFIG,), "hook:run", ("config",)),
    ("session-start", "Claude Code SessionStart hook: brief the agent on the rules",
     "Print the SessionStart hook output whose additionalContext tells the agent which profiles it may use and "
     "how aws calls must be written. Always exits 0.",
     (CONFIG,), "session_start:run", ("config",)),
    ("credentials", "the credential broker of the isolated world (credential_process)",
     "Print credential_process JSON for the declared profile NAME, resolved from your real AWS config without "
     "ever prompting, and only when the policy's checks pass; exit 1 with the reason and the fix otherwise. The "
     "config the guard generates for the agent's commands runs this for each declared profile.",
     ((("profile",), {"metavar": "NAME", "help": "a profile the policy declares"}),
      (("--world",), {"metavar": "DIR", "help": "the isolated world's folder (default: $XDG_STATE_HOME/aws-guard/"
                                                "world)"})),
     "credentials:run", ("profile", "world")),
    ("audit-write", "", "Internal: append the audit records read on stdin to the audit log (see guard.audit.trail).",
     (), "audit_write:run", ()),
)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["hook"] and not ({"-h", "--help"} & set(args)):
        return _hook(args[1:])  # the hook runs before every Bash call: skip argparse's import
    try:
        if _broker_call(args):  # the broker runs before every aws call inside the isolated world: the same
            from guard.commands import credentials

            return credentials.run(args[-1], args[2] if len(args) == 4 else None)
        parsed = _parser().parse_args(args)
        from guard.aws import world

        world.leave()  # run from inside the agent's world (`guard test`, `guard install`): use the real setup
        return parsed.run(parsed)
    except GuardError as error:
        print(f"guard: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `guard test --from F | head -1`: the reader has what it wanted
        _quiet_stdout()
        return 141
    except Exception as error:  # never a traceback for the user; say what broke
        print(f"guard: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit does not fail again on the closed pipe."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _broker_call(args: list[str]) -> bool:
    """`credentials NAME` or `credentials --world DIR NAME`, exactly as the generated config writes it."""
    shape = len(args) == 2 or (len(args) == 4 and args[1] == "--world")
    return shape and args[0] == "credentials" and not args[-1].startswith("-")


def _hook(args: list[str]) -> int:
    from guard.commands import hook

    config = None
    if args[:1] == ["--config"] and len(args) == 2:
        config = args[1]
    elif len(args) == 1 and args[0].startswith("--config="):
        config = args[0].split("=", 1)[1]
    elif args:
        from guard.claude import protocol

        return protocol.emit(sys.stdout, "deny", f"guard hook: unexpected arguments {args}; expected [--config FILE]")
    return hook.run(config)


def _parser() -> argparse.ArgumentParser:

    from guard import __version__

    parser = _parser_class()(prog="guard", description="Keep an AI coding agent's AWS CLI calls on the right "
                                                       "account.", epilog=EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"guard {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    for name, short, description, arguments, target, fields in VERBS:
        listed: dict[str, Any] = {"help": short} if short else {}  # audit-write is internal: no help line
        verb = sub.add_parser(name, description=description, epilog=EXIT_CODES, **listed)
        for argument in arguments:
            _add(verb, argument)
        verb.set_defaults(run=_caller(target, fields))
    return parser


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse, but a usage error is exit 1 (a GuardError), not argparse's 2, which `guard test` means as deny."""
    import argparse

    from guard.errors import UsageError

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise UsageError(f"{message}\n{self.format_usage().strip()}\n(see `{self.prog} --help`)")

    return Parser


def _add(verb: argparse.ArgumentParser, argument: Argument) -> None:
    if isinstance(argument, str):  # SCOPE
        where = verb.add_mutually_exclusive_group()
        where.add_argument("--user", dest="scope", action="store_const", const="user",
                           help="~/.claude/settings.json: every session, started anywhere (the default)")
        where.add_argument("--project", dest="scope", action="store_const", const="project",
                           help=".claude/settings.json of this project: committed and shared, so it finds the "
                                "guard on PATH when the hook runs")
        where.add_argument("--local", dest="scope", action="store_const", const="local",
                           help=".claude/settings.local.json (this project, not shared)")
        verb.set_defaults(scope="user")
    else:
        flags, options = argument
        verb.add_argument(*flags, **options)


def _caller(target: str, fields: tuple[str, ...]) -> Callable[[argparse.Namespace], int]:
    def run(parsed: argparse.Namespace) -> int:
        import importlib

        module, function = target.split(":")
        command = importlib.import_module(f"guard.commands.{module}")
        return getattr(command, function)(*(getattr(parsed, f) for f in fields))

    return run


if __name__ == "__main__":
    sys.exit(main())
