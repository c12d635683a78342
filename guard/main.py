"""The `guard` command line: parse arguments, dispatch to guard.commands, map errors to exit codes."""
from __future__ import annotations

import sys

from guard.errors import GuardError

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Sequence

USAGE_EXIT = 1


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["hook"] and not ({"-h", "--help"} & set(args)):
        return _hook(args[1:])  # the hook runs before every Bash call: skip argparse's import
    parser = _parser()
    parsed = parser.parse_args(args)
    try:
        return parsed.run(parsed)
    except GuardError as error:
        print(f"guard: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # never a traceback for the user; say what broke
        print(f"guard: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _hook(args: list[str]) -> int:
    from guard.commands import hook

    config = None
    if args[:1] == ["--config"] and len(args) == 2:
        config = args[1]
    elif len(args) == 1 and args[0].startswith("--config="):
        config = args[0].split("=", 1)[1]
    elif args:
        return hook.emit(sys.stdout, "deny", f"guard hook: unexpected arguments {args}; expected [--config FILE]")
    return hook.run(config)


def _parser():  # type: ignore[no-untyped-def]
    import argparse

    from guard import __version__

    parser = argparse.ArgumentParser(
        prog="guard", description="Keep an AI coding agent's AWS CLI calls on the right account.")
    parser.add_argument("--version", action="version", version=f"guard {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    _add_test(sub)
    _add_verify(sub)
    _add_doctor(sub)
    _add_install(sub)
    _add_uninstall(sub)
    _add_status(sub)
    _add_log(sub)
    _add_replay(sub)
    _add_hook(sub)
    _add_session_start(sub)
    _add_audit_write(sub)
    return parser


def _config(parser) -> None:  # type: ignore[no-untyped-def]
    parser.add_argument("--config", metavar="FILE", help="policy file (default: $AWS_GUARD_CONFIG, else "
                        "~/.claude/aws-guard.yaml narrowed by the project's .claude/aws-guard.yaml)")


def _add_test(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("test", help="decide a command as the hook would (dry run)",
                       description="Decide COMMAND exactly as the hook would, in this directory and environment. "
                       "Exit 0 pass, 2 deny, 3 ask, 1 the guard could not run.")
    p.add_argument("command", nargs="?", metavar="COMMAND", help="the shell command, quoted as one argument")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--from", dest="source", metavar="FILE",
                   help="read one JSON string (a command) per line ('-' for stdin); print one JSON object per line")
    _config(p)

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import test
        from guard.errors import UsageError

        if (a.command is None) == (a.source is None):
            raise UsageError("test: give either COMMAND or --from FILE")
        return test.run(a.command, a.config, a.json or a.source is not None, a.source)

    p.set_defaults(run=run)


def _add_verify(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("verify", help="prove with STS who each policy profile really is",
                       description="Call STS GetCallerIdentity for each profile (all policy profiles by default) "
                       "without ever prompting, and print the declared and live account, the ARN, where the "
                       "credentials came from and how long the session has left. Exit 0 when all match, 2 otherwise.")
    p.add_argument("--profile", action="append", default=[], metavar="P", help="check only P (repeatable)")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    _config(p)

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import verify

        return verify.run(a.profile, a.config, a.json)

    p.set_defaults(run=run)


def _add_doctor(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("doctor", help="check the policy, the AWS config and the environment",
                       description="Check the whole setup and print a table of findings with fixes. "
                       "Exit 2 when any finding is an error, 0 otherwise.")
    p.add_argument("--json", action="store_true", help="print a JSON list of findings")
    _config(p)

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import doctor

        return doctor.run(a.config, a.json)

    p.set_defaults(run=run)


def _scope(parser) -> None:  # type: ignore[no-untyped-def]
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", dest="scope", action="store_const", const="user",
                       help="~/.claude/settings.json (every project)")
    where.add_argument("--local", dest="scope", action="store_const", const="local",
                       help=".claude/settings.local.json (this project, not shared)")
    parser.set_defaults(scope="project")


def _add_install(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("install", help="add the guard's hooks to Claude Code's settings",
                       description="Add the PreToolUse hook (Bash|Monitor) and the SessionStart briefing to "
                       ".claude/settings.json of this project (the git top level, or this directory). Merges with "
                       "what is there, backs the file up first, changes nothing when already installed, and "
                       "refuses a file that is not valid JSON.")
    _scope(p)

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import install

        return install.run(a.scope)

    p.set_defaults(run=run)


def _add_uninstall(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("uninstall", help="remove only the guard's own hooks from Claude Code's settings",
                       description="Remove the guard's hooks from the settings file; every other setting and hook "
                       "stays. The file is backed up first.")
    _scope(p)

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import uninstall

        return uninstall.run(a.scope)

    p.set_defaults(run=run)


def _add_status(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("status", help="where the guard is installed, and which policy it applies",
                       description="Show the guard's hooks in the user, project and local settings files and the "
                       "policy in effect here. Exit 0 when the PreToolUse hook is installed somewhere, 2 otherwise.")
    _config(p)

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import status

        return status.run(a.config)

    p.set_defaults(run=run)


def _add_log(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("log", help="show the audit log of aws decisions",
                       description="Show the guard's audit log (every decision on a command that holds an aws call) "
                       "as a table, oldest first.")
    p.add_argument("--since", metavar="WHEN", help="only records newer than WHEN: 30m, 1h, 2d, 1w or a date")
    p.add_argument("--decision", choices=["pass", "ask", "deny"], help="only this decision")
    p.add_argument("--profile", metavar="P", help="only records with a call on profile P")
    p.add_argument("--json", action="store_true", help="print the records as JSON lines")

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import log

        return log.run(a.since, a.decision, a.profile, a.json)

    p.set_defaults(run=run)


def _add_replay(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("replay", help="decide the shell commands of past Claude Code sessions under today's policy",
                       description="Read Claude Code transcripts (~/.claude/projects/<project>/<session>.jsonl) and "
                       "decide every shell command in them as the hook would now; print those that would be denied "
                       "or asked, and a summary. Exit 0 all pass, 3 some ask, 2 some deny.")
    p.add_argument("transcripts", nargs="+", metavar="TRANSCRIPT.jsonl")
    p.add_argument("--verify", action="store_true", help="also verify identities with STS (default: static checks)")
    p.add_argument("--json", action="store_true", help="one JSON object per command, then a summary object")
    _config(p)

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import replay

        return replay.run(a.transcripts, a.config, a.verify, a.json)

    p.set_defaults(run=run)


def _add_session_start(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("session-start", help="Claude Code SessionStart hook: brief the agent on the rules",
                       description="Print the SessionStart hook output whose additionalContext tells the agent "
                       "which profiles it may use and how aws calls must be written. Always exits 0.")
    _config(p)

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard.commands import session_start

        return session_start.run(a.config)

    p.set_defaults(run=run)


def _add_audit_write(sub) -> None:  # type: ignore[no-untyped-def]
    # Internal: the hook hands audit records to this detached process (see guard.audit).
    p = sub.add_parser("audit-write", description="Internal: append audit records read on stdin to the audit log.")

    def run(a) -> int:  # type: ignore[no-untyped-def]
        from guard import audit

        audit.write(sys.stdin.read())
        return 0

    p.set_defaults(run=run)


def _add_hook(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("hook", help="Claude Code PreToolUse hook (reads the event JSON on stdin)",
                       description="Read a Claude Code PreToolUse event on stdin. Print nothing to let the command "
                       "run; print a deny or ask decision otherwise. Always exits 0.")
    _config(p)
    p.set_defaults(run=lambda a: _hook(["--config", a.config] if a.config else []))


if __name__ == "__main__":
    sys.exit(main())
