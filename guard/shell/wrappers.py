"""Commands that run another command: how to find the command inside.

Each wrapper is described by data (which options take a value, how many
operands come before the command) and one loop reads them all, so options are
parsed one way everywhere. Wrappers that change the environment (`env`,
`sudo VAR=x`) or add arguments at run time (`xargs`, `parallel`, `find -exec`)
have small functions of their own.
"""
from __future__ import annotations

from guard.plumbing.record import field, record
from guard.shell.model import EnvChange, Word, lit


@record(frozen=True)
class Spec:
    """How a wrapper's own options look.

    `values`: options that take the next word as their value. `operands`:
    words between the options and the command (timeout's DURATION).
    `no_run`: options after which no command runs (`command -v aws`).
    """

    values: frozenset[str] = frozenset()
    operands: int = 0
    no_run: frozenset[str] = frozenset()


def _spec(values: str = "", operands: int = 0, no_run: str = "") -> Spec:
    return Spec(frozenset(values.split()), operands, frozenset(no_run.split()))


SPECS: dict[str, Spec] = {
    "sudo": _spec("-u --user -g --group -h --host -p --prompt -C --close-from -D --chdir -r --role "
                  "-t --type -U --other-user -T --command-timeout -R --chroot",
                  no_run="-e --edit -l --list -v --validate -K --remove-timestamp -V --version"),  # -k CMD runs CMD
    "doas": _spec("-u -C"),
    "timeout": _spec("-s --signal -k --kill-after", operands=1),
    "nice": _spec("-n --adjustment"),
    "nohup": _spec(),
    "time": _spec("-f --format -o --output"),
    "command": _spec(no_run="-v -V"),
    "exec": _spec("-a"),
    "stdbuf": _spec("-i --input -o --output -e --error"),
    "ionice": _spec("-c --class -n --classdata"),
    "setsid": _spec(),
    "chronic": _spec(),
    "unbuffer": _spec(),
    "builtin": _spec(),
    "caffeinate": _spec("-t -w"),
    "flock": _spec("-w --timeout -E --conflict-exit-code", operands=1),  # -c COMMAND: see flock_command
    "watch": _spec("-n --interval -q --equexit"),  # -d takes its optional value only attached (-d=permanent)
    # -e, -l and -i take their optional value only attached (-eEND, -l2, -i{}); -E, -L, -I take the next word.
    "xargs": _spec("-a --arg-file -d --delimiter -E -I -L -n --max-args -P --max-procs -s --max-chars "
                   "--process-slot-var"),
    "parallel": _spec("-j --jobs -S --sshlogin --joblog --results -a --arg-file --delay --timeout "
                      "--tmpdir --workdir --colsep -d --delimiter -E -I --replace -n --max-args"),
}
USER_WRAPPER = Spec()
SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "yash", "busybox"})
PYTHONS = ("python", "pypy")


@record
class Unwrapped:
    """The command a wrapper runs, and what the wrapper did on the way."""

    words: tuple[Word, ...]
    env: list[tuple[str, EnvChange]] = field(default_factory=list)
    env_cleared: bool = False
    runs: bool = True  # False: the wrapper only prints or checks (command -v)
    dynamic: Word | None = None  # a wrapper argument computed at run time
    via: str = ""


def skip_options(args: tuple[Word, ...], spec: Spec) -> Unwrapped:
    """Step over a wrapper's options and operands; what is left is the command."""
    i = 0
    while i < len(args):
        word = args[i]
        if not word.literal:
            return Unwrapped(args[i:], dynamic=word)
        value = word.value or ""
        if value == "--":
            i += 1
            break
        if not value.startswith("-") or value == "-":
            break
        takes_next, runs = _option(value, spec)
        if not runs:
            return Unwrapped((), runs=False)
        i += 2 if takes_next else 1
    rest = args[i + spec.operands:] if i + spec.operands <= len(args) else ()
    return Unwrapped(rest)


def _option(option: str, spec: Spec) -> tuple[bool, bool]:
    """(takes the next word as its value, a command still runs) for one option word.

    Short options group as getopt groups them: `-iu bob` is `-i -u bob`, and in
    `-n10` the `10` is the value, so nothing more is taken.
    """
    if option.startswith("--"):
        name = option.split("=", 1)[0]
        return name in spec.values and "=" not in option, name not in spec.no_run
    for k, letter in enumerate(option[1:], start=1):
        short = "-" + letter
        if short in spec.no_run:
            return False, False
        if short in spec.values:
            return k == len(option) - 1, True
    return False, True


def flock_command(args: tuple[Word, ...]) -> Word | None:
    """The string of `flock FILE -c COMMAND` (util-linux flock runs it with `sh -c`), wherever -c stands."""
    for i, word in enumerate(args):
        value = word.value or ""
        if value in ("-c", "--command") and i + 1 < len(args):
            return args[i + 1]
        if value.startswith("--command="):
            return Word(word.text, value.split("=", 1)[1], value.split("=", 1)[1])
        if value.startswith("-c") and len(value) > 2 and not value.startswith("--"):
            return Word(word.text, value[2:], value[2:])
    return None


def unwrap_env(args: tuple[Word, ...]) -> Unwrapped:
    """`env [-i] [-u NAME] [--] [NAME=VALUE]... [-S STRING] COMMAND` (GNU coreutils env)."""
    out = Unwrapped(())
    i = 0
    while i < len(args):
        word = args[i]
        if not word.literal:
            return Unwrapped(args[i:], out.env, out.env_cleared, dynamic=word)
        value = word.value or ""
        if value == "--":  # end of env's options: assignments may still follow, then the command
            i += 1
            while i < len(args) and args[i].literal and _env_assignment(args[i].value or "", out):
                i += 1
            break
        step = _env_option(value, args[i + 1] if i + 1 < len(args) else None, out)
        if step == 0:
            break
        if step < 0:  # -S: the rest of the command comes from the split string
            return _env_split(value, args, i, out)
        i += step
    out.words = args[i:]
    return out


def _env_option(value: str, following: Word | None, out: Unwrapped) -> int:
    """Apply one env argument; return how many words it used (0: command starts)."""
    if value in ("-i", "-", "--ignore-environment"):
        out.env_cleared = True
        out.env.clear()
        return 1
    if value in ("-u", "--unset") and following is not None:
        out.env.append((following.shown, EnvChange(None, "env")))
        return 2
    if value.startswith("--unset=") or (value.startswith("-u") and len(value) > 2):
        out.env.append((value.split("=", 1)[1] if "=" in value else value[2:], EnvChange(None, "env")))
        return 1
    if value in ("-C", "--chdir"):
        return 2
    if value in ("-S", "--split-string") or value.startswith(("-S", "--split-string=")):
        return -1
    if value.startswith("-"):
        return 1
    return 1 if _env_assignment(value, out) else 0


def _env_assignment(value: str, out: Unwrapped) -> bool:
    """Apply `NAME=VALUE`; False when the word is not one (the command starts there)."""
    name, eq, val = value.partition("=")
    if eq and name and _is_name(name):
        out.env.append((name, EnvChange(lit(val), "env")))
        return True
    return False


def _env_split(value: str, args: tuple[Word, ...], i: int, out: Unwrapped) -> Unwrapped:
    """`env -S 'aws s3 ls'` splits its string into words (shebang lines use it)."""
    if value in ("-S", "--split-string"):
        if i + 1 >= len(args) or not args[i + 1].literal:
            return Unwrapped(args[i + 1:], out.env, out.env_cleared, dynamic=args[i + 1] if i + 1 < len(args) else None)
        text, rest = args[i + 1].value or "", args[i + 2:]
    else:
        text, rest = value.split("=", 1)[1] if value.startswith("--") else value[2:], args[i + 1:]
    import shlex  # only for `env -S`: not on every aws call's path

    try:
        split = tuple(lit(w) for w in shlex.split(text))
    except ValueError:
        return Unwrapped((), out.env, out.env_cleared, dynamic=Word(text, None, ""))
    inner = unwrap_env(split + rest)
    inner.env[:0] = out.env
    inner.env_cleared = inner.env_cleared or out.env_cleared
    return inner


def _is_name(name: str) -> bool:
    return (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name)


def unwrap_sudo(args: tuple[Word, ...]) -> Unwrapped:
    """sudo's options, then `NAME=VALUE` assignments it passes on, then the command."""
    out = skip_options(args, SPECS["sudo"])
    words = out.words
    while words and "=" in (words[0].value or "") and _is_name((words[0].value or "").split("=", 1)[0]):
        name, _, val = (words[0].value or "").partition("=")
        out.env.append((name, EnvChange(lit(val), "env")))
        words = words[1:]
    out.words = words
    return out


def unwrap_runtime_args(name: str, args: tuple[Word, ...]) -> Unwrapped:
    """xargs and parallel build arguments from their input at run time.

    With a replacement string (`-I {}`) the words holding it become computed
    words; without one, the input is appended after the command's own words.
    """
    out = skip_options(args, SPECS[name])
    replace = _replace_string(name, args)
    if not out.words and out.runs and out.dynamic is None:
        out.words = (lit("echo"),)
    if replace and any(w.literal and replace in (w.value or "") for w in out.words):
        out.words = tuple(_mark_replaced(w, replace) for w in out.words)
    elif out.words:
        cut = _parallel_cut(out.words) if name == "parallel" else len(out.words)
        out.words = out.words[:cut] + (Word(f"<arguments {name} reads at run time>", None, ""),)
    return out


def _replace_string(name: str, args: tuple[Word, ...]) -> str:
    """The replacement string of `-I R`, `-IR`, `-tI R` (grouped) or `-i[R]`/`--replace[=R]` (default `{}`)."""
    values = [w.value or "" for w in args]
    for i, value in enumerate(values):
        if value == "--replace" or value.startswith("--replace="):
            return value.partition("=")[2] or (values[i + 1] if name == "parallel" and i + 1 < len(values) else "{}")
        letters = value[1:] if value.startswith("-") and not value.startswith("--") else ""
        for k, letter in enumerate(letters):
            if letter == "I":
                return letters[k + 1:] or (values[i + 1] if i + 1 < len(values) else "")
            if letter == "i":
                return letters[k + 1:] or "{}"
    return "{}" if name == "parallel" else ""


def _parallel_cut(words: tuple[Word, ...]) -> int:
    for i, word in enumerate(words):
        if word.value in (":::", "::::", ":::+", "::::+"):
            return i
    return len(words)


def _mark_replaced(word: Word, replace: str) -> Word:
    if not word.literal or replace not in (word.value or ""):
        return word
    return Word(word.text, None, (word.value or "").split(replace, 1)[0])


def unwrap_find(args: tuple[Word, ...]) -> list[Unwrapped]:
    """The commands of `find ... -exec CMD {} ;` (and -execdir, -ok, -okdir).

    find substitutes each path it finds for `{}`; those paths start with the
    starting point (never with `-`), so `{}` is a computed word that cannot
    turn into an option.
    """
    found: list[Unwrapped] = []
    start = next((w.value for w in args if w.literal and not (w.value or "-").startswith("-")), ".")
    i = 0
    while i < len(args):
        if args[i].value in ("-exec", "-execdir", "-ok", "-okdir"):
            end = i + 1
            while end < len(args) and args[end].value not in (";", "+"):
                end += 1
            words = tuple(Word(w.text, None, start or ".") if w.value == "{}" else w for w in args[i + 1:end])
            found.append(Unwrapped(words, via="find -exec"))
            i = end
        i += 1
    return found


@record
class ShellArgs:
    """What a shell is asked to run: a -c string, a script file, or its stdin."""

    script: Word | None = None
    reads_stdin: bool = False
    file: bool = False
    operand: Word | None = None  # the script file, when there is one


def shell_args(args: tuple[Word, ...]) -> ShellArgs:
    """bash/sh/zsh option parsing: all options first, then the -c string or a file (or stdin with -s)."""
    wants_c = stdin = False
    i = 0
    while i < len(args):
        value = args[i].value
        if value is None:
            break
        if value == "--" or value == "-":
            i += 1
            break
        if value[:1] not in ("-", "+") or value in ("-",):
            break
        if value in ("--rcfile", "--init-file"):
            i += 2
            continue
        letters = "" if value.startswith("--") else value[1:]
        wants_c = wants_c or "c" in letters
        stdin = stdin or "s" in letters
        i += 2 if letters[-1:] in ("o", "O") else 1  # `-o pipefail`, `-euo pipefail`, `+O extglob`
    rest = args[i:]
    if wants_c:
        return ShellArgs(script=rest[0] if rest else None)
    if not rest or stdin:
        return ShellArgs(reads_stdin=True)
    return ShellArgs(file=True, operand=rest[0])
