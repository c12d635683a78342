"""guard.shell.scan.scan: every aws call a command line would start, through the real parsers.

Each test states what a user would see: which aws calls the guard finds in a
command (compared as the words the CLI would receive), and which problems
(unparsable, parsers disagree, computed at run time: AG001, AG002, AG003) stop
it from proving the command safe.
"""
from __future__ import annotations

import pytest

from guard.shell.model import Invocation
from guard.shell.scan import COMPUTED, UNPARSABLE, Scan, scan

NO_WRAPPERS: frozenset[str] = frozenset()


def shown(call: Invocation) -> str:
    """The call as words: literal words by value, computed ones by their source text."""
    return " ".join(w.shown for w in call.argv)


def literal_head(call: Invocation) -> str:
    """The literal words of a call up to the first word computed at run time."""
    out = []
    for word in call.argv:
        if not word.literal:
            break
        out.append(word.value or "")
    return " ".join(out)


def rules_of(found: Scan) -> set[str]:
    return {p.kind for p in found.problems}


def assert_calls(text: str, expected: list[str], extra: frozenset[str] = NO_WRAPPERS) -> Scan:
    """`text` holds exactly the `expected` aws calls, and nothing stops the guard reading it."""
    found = scan(text, extra)
    assert found.problems == [], found.problems
    assert sorted(shown(c) for c in found.calls) == sorted(expected)
    return found


def only_call(text: str, extra: frozenset[str] = NO_WRAPPERS) -> Invocation:
    found = scan(text, extra)
    assert found.problems == [], found.problems
    assert len(found.calls) == 1, [shown(c) for c in found.calls]
    return found.calls[0]


def env_of(call: Invocation, name: str) -> str | None:
    change = call.env_value(name)
    if change is None or change.value is None:
        return None
    return change.value.shown


# -- where commands run -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("cd /tmp && aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("false || aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("true; aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("echo start\naws s3 ls --profile p\necho done", ["aws s3 ls --profile p"]),
    ("aws s3 ls --profile p | grep x | head -5", ["aws s3 ls --profile p"]),
    ("cat list | aws s3 cp - s3://b/k --profile p", ["aws s3 cp - s3://b/k --profile p"]),
    ("aws s3 ls --profile p |& tee log", ["aws s3 ls --profile p"]),
    ("aws s3 ls --profile p & aws s3 ls --profile q; wait", ["aws s3 ls --profile p", "aws s3 ls --profile q"]),
    ("! aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("aws s3 ls --profile p > out.txt 2>&1", ["aws s3 ls --profile p"]),
])
def test_lists_and_pipelines(text: str, expected: list[str]) -> None:
    assert_calls(text, expected)


@pytest.mark.parametrize("text, expected", [
    ("(aws s3 ls --profile p)", ["aws s3 ls --profile p"]),
    ("(cd /tmp; (aws s3 ls --profile p))", ["aws s3 ls --profile p"]),
    ("{ aws s3 ls --profile p; }", ["aws s3 ls --profile p"]),
    ("{ echo a; aws s3 ls --profile p; } > log", ["aws s3 ls --profile p"]),
    ("if aws s3 ls --profile p; then aws s3 rm s3://b/k --profile p; fi",
     ["aws s3 ls --profile p", "aws s3 rm s3://b/k --profile p"]),
    ("if [ -f x ]; then echo x; elif [ -f y ]; then :; else aws s3 ls --profile p; fi", ["aws s3 ls --profile p"]),
    ("for b in one two; do aws s3 ls s3://$b/ --profile p; done", ["aws s3 ls s3://$b/ --profile p"]),
    ("for ((i=0; i<3; i++)); do aws s3 ls --profile p; done", ["aws s3 ls --profile p"]),
    ("while read -r b; do aws s3 rb s3://b --profile p; done < buckets.txt", ["aws s3 rb s3://b --profile p"]),
    ("until aws s3 ls --profile p; do sleep 1; done", ["aws s3 ls --profile p"]),
    ("case $1 in up) aws s3 ls --profile p;; *) echo no;; esac", ["aws s3 ls --profile p"]),
    ("f() { aws s3 ls --profile p; }; f", ["aws s3 ls --profile p"]),
    ("function f { aws s3 ls --profile p; }; f", ["aws s3 ls --profile p"]),
    ("f() ( aws s3 ls --profile p ); f", ["aws s3 ls --profile p"]),
    ("select x in a b; do aws s3 ls --profile p; done", ["aws s3 ls --profile p"]),
    ("coproc aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("coproc { aws s3 ls --profile p; }", ["aws s3 ls --profile p"]),
])
def test_compound_commands_and_functions(text: str, expected: list[str]) -> None:
    assert_calls(text, expected)


@pytest.mark.parametrize("text, expected", [
    ("echo $(aws s3 ls --profile p)", ["echo $(aws s3 ls --profile p)", "aws s3 ls --profile p"]),
    ("echo `aws s3 ls --profile p`", ["echo `aws s3 ls --profile p`", "aws s3 ls --profile p"]),
    ('echo "buckets: $(aws s3 ls --profile p)"', ["aws s3 ls --profile p"]),
    ("x=$(aws sts get-caller-identity --profile p)", ["aws sts get-caller-identity --profile p"]),
    ('export ID="$(aws sts get-caller-identity --profile p)"', ["aws sts get-caller-identity --profile p"]),
    ("f() { local id=$(aws sts get-caller-identity --profile p); }", ["aws sts get-caller-identity --profile p"]),
    ("echo ${x:-$(aws s3 ls --profile p)}", ["aws s3 ls --profile p"]),
    ("[[ -n $(aws s3 ls --profile p) ]] && echo yes", ["aws s3 ls --profile p"]),
    ("echo $(echo $(aws s3 ls --profile p))", ["aws s3 ls --profile p"]),
    ("diff <(aws s3 ls --profile a) <(aws s3 ls --profile b)", ["aws s3 ls --profile a", "aws s3 ls --profile b"]),
    ("echo hi | tee >(aws s3 cp - s3://b/k --profile p)", ["aws s3 cp - s3://b/k --profile p"]),
    ('cat <<< "$(aws s3 ls --profile p)"', ["aws s3 ls --profile p"]),
])
def test_substitutions_run(text: str, expected: list[str]) -> None:
    found = scan(text)
    assert found.problems == [], found.problems
    aws_calls = sorted(shown(c) for c in found.calls if c.argv[0].value == "aws")
    assert aws_calls == sorted(e for e in expected if e.startswith("aws"))


@pytest.mark.parametrize("text", [
    "cat <<EOF\n$(aws s3 ls --profile p)\nEOF",
    "cat <<EOF\nid: `aws sts get-caller-identity --profile p`\nEOF",
    "cat > report.txt <<EOF\nBuckets:\n$(aws s3 ls --profile p)\nEOF",
    "cat <<-EOF\n\t$(aws s3 ls --profile p)\n\tEOF",
    "cat <<EOF && echo done\n$(aws s3 ls --profile p)\nEOF",
    "cat <<EOF\n  $(aws s3 ls --profile p)\nEOF",
    "cat <<EOF\n\t$(aws s3 ls --profile p)\nEOF",
    "cat <<EOF\n{\n  \"id\": \"$(aws sts get-caller-identity --profile p)\"\n}\nEOF",
    "cat <<EOF\n`aws s3 ls --profile p`\nEOF",
    "cat <<EOF\n${x:-$(aws s3 ls --profile p)}\nEOF",
])
def test_unquoted_heredoc_substitutions_run(text: str) -> None:
    found = scan(text)
    assert found.problems == [], found.problems
    assert [shown(c) for c in found.calls] in (["aws s3 ls --profile p"], ["aws sts get-caller-identity --profile p"])


@pytest.mark.parametrize("text", [
    "cat <<'EOF'\n$(aws s3 ls --profile p)\nEOF",
    'cat <<"EOF"\n$(aws s3 ls --profile p)\nEOF',
    "cat <<\\EOF\n$(aws s3 ls --profile p)\nEOF",
    "cat <<'EOF'\n`aws s3 ls --profile p`\nEOF",
    "cat > notes.md <<'EOF'\nRun `aws s3 ls` and $(aws sts get-caller-identity).\nEOF",
    "cat <<'EOF' > deploy.sh\n#!/bin/sh\naws s3 sync . s3://b --profile p\nEOF",
    "cat <<EOF\naws s3 ls --profile p\nEOF",
    "cat <<< '$(aws s3 ls --profile p)'",
])
def test_heredoc_and_herestring_text_is_not_run(text: str) -> None:
    found = scan(text)
    assert found.calls == [] and found.problems == [], (found.calls, found.problems)


def test_text_after_a_heredoc_operator_runs() -> None:
    assert_calls("cat <<EOF && aws s3 ls --profile p\nbody\nEOF", ["aws s3 ls --profile p"])


# -- nested shells, eval, scripts on stdin ---------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'bash -c "aws s3 ls --profile p"',
    "sh -c 'aws s3 ls --profile p'",
    "zsh -c 'aws s3 ls --profile p'",
    "dash -c 'aws s3 ls --profile p'",
    "bash -lc 'aws s3 ls --profile p'",
    "bash -e -c 'aws s3 ls --profile p'",
    "bash -c -- 'aws s3 ls --profile p'",
    "bash -o pipefail -c 'aws s3 ls --profile p | head'",
    "/bin/bash -c 'aws s3 ls --profile p'",
    "eval 'aws s3 ls --profile p'",
    'eval "aws s3 ls --profile p"',
    "eval aws s3 ls --profile p",
    "bash -c 'cd /tmp && aws s3 ls --profile p | head'",
    "bash -c \"bash -c 'aws s3 ls --profile p'\"",
    "sh -c \"bash -c \\\"aws s3 ls --profile p\\\"\"",
    "sh -c \"eval 'aws s3 ls --profile p'\"",
    "eval \"bash -c 'aws s3 ls --profile p'\"",
    "bash -c 'bash -c \"sh -c \\\"aws s3 ls --profile p\\\"\"'",
    "sudo bash -c 'aws s3 ls --profile p'",
    "nohup sh -c 'aws s3 ls --profile p' &",
])
def test_nested_shells_and_eval(text: str) -> None:
    call = only_call(text)
    assert shown(call) == "aws s3 ls --profile p"


def test_nested_shell_is_named_in_via() -> None:
    call = only_call("bash -c 'aws s3 ls --profile p'")
    assert any("bash" in v for v in call.via), call.via


def test_quoted_text_inside_a_nested_shell_is_not_a_call() -> None:
    found = scan("bash -c 'echo \"aws s3 ls\"'")
    assert found.calls == [] and found.problems == []


@pytest.mark.parametrize("text", [
    'echo "aws s3 ls --profile p" | bash',
    "echo 'aws s3 ls --profile p' | sh",
    "echo aws s3 ls --profile p | bash",
    "printf 'aws s3 ls --profile p\\n' | bash",
    "echo 'aws s3 ls --profile p' | bash -s",
    "echo 'aws s3 ls --profile p' | sudo bash",
    "bash <<EOF\naws s3 ls --profile p\nEOF",
    "bash <<'EOF'\naws s3 ls --profile p\nEOF",
    "sh -s <<'EOF'\naws s3 ls --profile p\nEOF",
    'bash <<< "aws s3 ls --profile p"',
    "sh <<< 'aws s3 ls --profile p'",
    "cat <<'EOF' | bash\naws s3 ls --profile p\nEOF",
    "printf '%s\\n' 'aws s3 ls --profile p' | bash",
    "bash -s -- arg <<'EOF'\naws s3 ls --profile p\nEOF",
])
def test_scripts_fed_to_a_shell_on_stdin(text: str) -> None:
    call = only_call(text)
    assert shown(call) == "aws s3 ls --profile p"


@pytest.mark.parametrize("text", [
    "source <(echo 'aws s3 ls --profile p')",
    ". <(echo 'aws s3 ls --profile p')",
    "bash <(echo 'aws s3 ls --profile p')",
])
def test_script_from_process_substitution_is_seen_or_flagged(text: str) -> None:
    """A shell reading a script from <( ) runs it: the guard must find the call or refuse to guess."""
    found = scan(text)
    assert [shown(c) for c in found.calls] == ["aws s3 ls --profile p"] or found.problems, found


def test_echo_piped_to_a_non_shell_is_not_a_call() -> None:
    found = scan('echo "aws s3 ls --profile p" | cat')
    assert found.calls == [] and found.problems == []


# -- wrappers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, wrapper", [
    ("sudo aws s3 ls --profile p", "sudo"),
    ("sudo -u bob aws s3 ls --profile p", "sudo"),
    ("sudo -E aws s3 ls --profile p", "sudo"),
    ("sudo -- aws s3 ls --profile p", "sudo"),
    ("env aws s3 ls --profile p", "env"),
    ("env -- aws s3 ls --profile p", "env"),
    ("env -i -- aws s3 ls --profile p", "env"),
    ("watch -n 5 -- aws s3 ls --profile p", "watch"),
    ("nice -n10 aws s3 ls --profile p", "nice"),
    ("setsid aws s3 ls --profile p", "setsid"),
    ("timeout 30 aws s3 ls --profile p", "timeout"),
    ("timeout -s KILL 30 aws s3 ls --profile p", "timeout"),
    ("timeout --signal=KILL 30s aws s3 ls --profile p", "timeout"),
    ("timeout -k 5 30 aws s3 ls --profile p", "timeout"),
    ("nice aws s3 ls --profile p", "nice"),
    ("nice -n 10 aws s3 ls --profile p", "nice"),
    ("nohup aws s3 ls --profile p &", "nohup"),
    ("time aws s3 ls --profile p", "time"),
    ("command aws s3 ls --profile p", "command"),
    ("command -p aws s3 ls --profile p", "command"),
    ("exec aws s3 ls --profile p", "exec"),
    ("exec -a name aws s3 ls --profile p", "exec"),
    ("stdbuf -oL aws s3 ls --profile p", "stdbuf"),
    ("stdbuf -o L aws s3 ls --profile p", "stdbuf"),
    ("watch aws s3 ls --profile p", "watch"),
    ("watch -n 5 aws s3 ls --profile p", "watch"),
    ("watch -n5 'aws s3 ls --profile p'", "watch"),
    ("watch -x aws s3 ls --profile p", "watch"),
])
def test_wrappers_are_looked_through(text: str, wrapper: str) -> None:
    call = only_call(text)
    assert shown(call) == "aws s3 ls --profile p"
    assert any(wrapper in v for v in call.via), call.via


def test_wrappers_stack() -> None:
    call = only_call("sudo -u bob env AWS_REGION=eu-west-1 timeout 10 nice -n 5 aws s3 ls --profile p")
    assert shown(call) == "aws s3 ls --profile p"
    for wrapper in ("sudo", "env", "timeout", "nice"):
        assert any(wrapper in v for v in call.via), call.via
    assert env_of(call, "AWS_REGION") == "eu-west-1"


@pytest.mark.parametrize("text", ["command -v aws", "command -V aws", "command -v aws && aws --version"])
def test_command_v_runs_nothing(text: str) -> None:
    found = scan(text)
    assert found.problems == []
    assert [shown(c) for c in found.calls] == (["aws --version"] if "&&" in text else [])


@pytest.mark.parametrize("text", [
    "ls | xargs aws s3 ls --profile p",
    "ls | xargs -n1 aws s3 ls --profile p",
    "ls | xargs -0 -P 4 aws s3 ls --profile p",
    "printf 'a\\nb' | xargs -I{} aws s3 ls s3://{} --profile p",
])
def test_xargs(text: str) -> None:
    call = only_call(text)
    assert literal_head(call).startswith("aws s3 ls")
    assert "--profile" in [w.value for w in call.argv]


@pytest.mark.parametrize("text", [
    "find . -name '*.txt' -exec aws s3 cp {} s3://b/ --profile p \\;",
    "find . -type f -execdir aws s3 cp {} s3://b/ --profile p +",
])
def test_find_exec(text: str) -> None:
    call = only_call(text)
    assert [w.value for w in call.argv[:3]] == ["aws", "s3", "cp"]
    assert [w.value for w in call.argv[-2:]] == ["--profile", "p"]


def test_find_exec_runs_each_command() -> None:
    found = scan("find . -exec aws s3 ls --profile a \\; -exec aws s3 ls --profile b \\;")
    assert found.problems == []
    assert sorted(shown(c) for c in found.calls) == ["aws s3 ls --profile a", "aws s3 ls --profile b"]


def test_parallel() -> None:
    call = only_call("parallel aws s3 ls s3://{} --profile p ::: one two")
    assert [w.value for w in call.argv[:3]] == ["aws", "s3", "ls"]
    assert any(w.value == "--profile" for w in call.argv)


def test_user_declared_wrapper() -> None:
    call = only_call("mywrap aws s3 ls --profile p", frozenset({"mywrap"}))
    assert shown(call) == "aws s3 ls --profile p"
    assert "mywrap" in call.via
    call = only_call("mywrap --verbose aws s3 ls --profile p", frozenset({"mywrap"}))
    assert shown(call) == "aws s3 ls --profile p"


def test_unknown_program_with_aws_argument_is_not_a_call() -> None:
    found = scan("mywrap aws s3 ls --profile p")
    assert found.calls == []


# -- the environment a call gets ---------------------------------------------------------------------------


def test_inline_assignment() -> None:
    call = only_call("AWS_PROFILE=p aws s3 ls")
    assert env_of(call, "AWS_PROFILE") == "p"


@pytest.mark.parametrize("text", [
    "env AWS_PROFILE=p aws s3 ls",
    "sudo AWS_PROFILE=p aws s3 ls",
    "env -S 'AWS_PROFILE=p aws s3 ls'",
    "export AWS_PROFILE=p; aws s3 ls",
    "export AWS_PROFILE=p && aws s3 ls",
    "{ export AWS_PROFILE=p; }; aws s3 ls",
    "AWS_PROFILE=p bash -c 'aws s3 ls'",
    "export AWS_PROFILE=p; bash -c 'aws s3 ls'",
    "declare -x AWS_PROFILE=p; aws s3 ls",
])
def test_environment_changes_reach_the_call(text: str) -> None:
    call = only_call(text)
    assert shown(call) == "aws s3 ls"
    assert env_of(call, "AWS_PROFILE") == "p"


@pytest.mark.parametrize("text", [
    "(export AWS_PROFILE=p); aws s3 ls",
    "echo $(export AWS_PROFILE=p); aws s3 ls",
    "export AWS_PROFILE=p | cat; aws s3 ls",
    "bash -c 'export AWS_PROFILE=p'; aws s3 ls",
    "AWS_PROFILE=p true; aws s3 ls",
    "export AWS_PROFILE=p; unset AWS_PROFILE; aws s3 ls",
    "export AWS_PROFILE=p; env -u AWS_PROFILE aws s3 ls",
    "export AWS_PROFILE=p; env -i aws s3 ls",
])
def test_environment_changes_that_do_not_reach_the_call(text: str) -> None:
    call = only_call(text)
    assert shown(call) == "aws s3 ls"
    assert env_of(call, "AWS_PROFILE") is None


def test_env_dash_i_clears_the_environment() -> None:
    call = only_call("env -i AWS_PROFILE=p aws s3 ls")
    assert call.env_cleared
    assert env_of(call, "AWS_PROFILE") == "p"


def test_env_split_string() -> None:
    call = only_call("env -S 'aws s3 ls --profile p'")
    assert shown(call) == "aws s3 ls --profile p"


# -- command names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "/usr/local/bin/aws s3 ls --profile p",
    "./aws s3 ls --profile p",
    '"aws" s3 ls --profile p',
    "a\\ws s3 ls --profile p",
    "\\aws s3 ls --profile p",
    "'a'ws s3 ls --profile p",
    'a"ws" s3 ls --profile p',
    "$'aws' s3 ls --profile p",
    "\"a\"'w's s3 ls --profile p",
    "'/usr/bin/aws' s3 ls --profile p",
])
def test_command_names_by_basename_after_quote_removal(text: str) -> None:
    found = scan(text)
    assert not rules_of(found) & {UNPARSABLE, COMPUTED}, found.problems
    assert [[w.value for w in c.argv[1:]] for c in found.calls] == [["s3", "ls", "--profile", "p"]]


@pytest.mark.parametrize("text", [
    "'a'ws s3 ls --profile p",
    'a"ws" s3 ls --profile p',
    "\"a\"'w's s3 ls --profile p",
])
def test_ordinary_quoting_of_the_name_raises_no_problem(text: str) -> None:
    """Plain quote removal is not obfuscation: the parsers must agree on it (no AG002 deny)."""
    only_call(text)


def test_python_m_awscli_is_aws() -> None:
    call = only_call("python3 -m awscli s3 ls --profile p")
    assert [w.value for w in call.argv] == ["aws", "s3", "ls", "--profile", "p"]


@pytest.mark.parametrize("text", [
    "$(echo aws) s3 ls --profile p",
    "`echo aws` s3 ls --profile p",
    "${X:-aws} s3 ls --profile p",
    "x=aws; $x s3 ls --profile p",
    '"$AWS" s3 ls --profile p',
    "sudo $(echo aws) s3 ls --profile p",
    "env AWS_PROFILE=p $CLI s3 ls",
    'bash -c "$CMD" # aws',
    "eval \"$CMD\" # runs aws",
    'echo "$SCRIPT" | bash  # aws',
])
def test_computed_command_names_are_problems(text: str) -> None:
    found = scan(text)
    assert COMPUTED in rules_of(found), (found.calls, found.problems)


@pytest.mark.parametrize("text", ["$EDITOR notes.txt", "$PAGER README.md", '"$@"'])
def test_computed_command_names_without_aws_are_fine(text: str) -> None:
    found = scan(text)
    assert found.calls == [] and found.problems == []


# -- not calls ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'echo "aws s3 ls"',
    "echo aws s3 ls",
    "echo 'aws s3 rm s3://b/k --profile p' > notes.txt",
    "printf '%s\\n' 'aws s3 ls'",
    "grep aws file",
    'grep -rn "aws s3" src/',
    'git commit -m "aws s3 ls"',
    "git commit -m 'run aws s3 rm s3://b/k'",
    "git log --grep=aws",
    "ls # aws s3 ls",
    "ls  # then: aws s3 rm s3://b --profile p",
    "# aws s3 ls",
    "which aws",
    "type aws",
    "man aws",
    "pip install awscli",
    "echo '$(aws s3 ls)'",
    'echo "\\$(aws s3 ls)"',
    "cat aws-notes.md",
    "cat <<'EOF'\naws s3 ls --profile p\nEOF",
    "git commit -m \"$(cat <<'EOF'\nUse aws s3 ls --profile p\n\n$(aws sts get-caller-identity)\nEOF\n)\"",
])
def test_not_calls(text: str) -> None:
    found = scan(text)
    assert found.calls == [] and found.problems == [], ([shown(c) for c in found.calls], found.problems)


def test_comment_ends_the_call() -> None:
    call = only_call("aws s3 ls --profile p # --profile other")
    assert shown(call) == "aws s3 ls --profile p"


# -- parsers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "aws s3 ls --profile p 'unterminated",
    "if aws s3 ls --profile p; then",
    "echo $(aws s3 ls --profile p",
    "aws s3 ls --profile p && (",
])
def test_unparsable_commands_that_mention_aws(text: str) -> None:
    found = scan(text)
    assert UNPARSABLE in rules_of(found), found.problems


def test_unparsable_nested_script() -> None:
    found = scan("bash -c \"aws s3 ls --profile p 'x\"")
    assert UNPARSABLE in rules_of(found), found.problems


def test_unparsable_command_without_aws_is_left_alone() -> None:
    found = scan("echo 'unterminated")
    assert found.calls == [] and found.problems == []


@pytest.mark.parametrize("text", [
    "exec 3<>/dev/tcp/example.com/80; aws s3 ls --profile p",
    "cat <<EOF; aws s3 ls --profile p\nbody\nEOF",
])
def test_bashlex_answers_when_tree_sitter_cannot(text: str) -> None:
    found = assert_calls(text, ["aws s3 ls --profile p"])
    assert found.parser == "bashlex"


# -- agent idioms ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("git commit -m \"$(cat <<'EOF'\nFix the aws s3 sync step\n\nCo-Authored-By: Claude\nEOF\n)\"", []),
    ("git add . && git commit -m \"$(cat <<'EOF'\nUpdate aws config\nEOF\n)\" && aws s3 ls --profile p",
     ["aws s3 ls --profile p"]),
    ("[[ -f x ]] && aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("[[ $x =~ ^a(b)$ ]] && aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("[ -f x ] || aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("echo $((1+2)); aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("n=$(( $(wc -l < f) + 1 )); aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("time aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("time -p aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ('case "$1" in\n  start) aws s3 ls --profile p ;;\n  *) echo "usage" ;;\nesac', ["aws s3 ls --profile p"]),
    ("case $x in a|b) aws s3 ls --profile p ;; esac", ["aws s3 ls --profile p"]),
    ("a=(1 2); aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ('files=(*.txt); for f in "${files[@]}"; do aws s3 cp "$f" s3://b/ --profile p; done',
     ['aws s3 cp "$f" s3://b/ --profile p']),
    ("declare -A m=([a]=1); aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("set -euo pipefail; aws s3 ls --profile p 2>/dev/null || true", ["aws s3 ls --profile p"]),
    ("cd /repo && aws s3 sync ./dist s3://bucket/ --profile p --delete",
     ["aws s3 sync ./dist s3://bucket/ --profile p --delete"]),
    ("aws sts get-caller-identity --profile p --query Account --output text",
     ["aws sts get-caller-identity --profile p --query Account --output text"]),
    ("aws s3 ls --profile p | jq -r '.[] | .Name' | sort", ["aws s3 ls --profile p"]),
    ("for i in {1..3}; do aws s3 ls --profile p; sleep 1; done", ["aws s3 ls --profile p"]),
    ("aws s3 ls --profile p \\\n  --region eu-west-1", ["aws s3 ls --profile p --region eu-west-1"]),
])
def test_agent_idioms_parse_without_problems(text: str, expected: list[str]) -> None:
    assert_calls(text, expected)


def test_two_heredocs_on_one_line_each_give_their_calls() -> None:
    """tree-sitter-bash cannot read this; bashlex can, and the guard takes its answer."""
    assert_calls("cat <<A <<B\n$(aws s3 ls --profile a)\nA\n$(aws s3 ls --profile b)\nB\n",
                 ["aws s3 ls --profile a", "aws s3 ls --profile b"])


@pytest.mark.parametrize("text, expected", [
    ('bash <<EOF\necho \\"x\naws s3 rb s3://prod --profile Prod\necho y\\"\nEOF',
     ["aws s3 rb s3://prod --profile Prod"]),
    ('cat <<EOF\n\\"don\'t $(aws s3 rb s3://b --profile Prod) won\'t\\"\nEOF', ["aws s3 rb s3://b --profile Prod"]),
])
def test_a_backslashed_quote_in_a_heredoc_hides_no_call(text: str, expected: list[str]) -> None:
    assert_calls(text, expected)


def test_an_export_inside_an_earlier_subshell_does_not_reach_a_call_in_a_heredoc() -> None:
    (call,) = assert_calls("(export AWS_PROFILE=p); cat <<EOF\n$(aws s3 ls)\nEOF", ["aws s3 ls"]).calls
    assert call.env_value("AWS_PROFILE") is None


@pytest.mark.parametrize("text, expected", [
    ("flock /tmp/lock -c 'aws s3 rb s3://b --profile p'", ["aws s3 rb s3://b --profile p"]),
    ("bash -euo pipefail -c 'aws s3 ls --profile p'", ["aws s3 ls --profile p"]),
    ("sudo -iu bob aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("timeout -vk 5 10 aws s3 ls --profile p", ["aws s3 ls --profile p"]),
    ("xargs -l aws s3 ls --profile p", ["aws s3 ls --profile p <arguments xargs reads at run time>"]),
])
def test_calls_behind_grouped_options_and_flock_c_are_found(text: str, expected: list[str]) -> None:
    assert [shown(c) for c in scan(text).calls] == expected


def test_env_assignments_after_double_dash_reach_the_call() -> None:
    (call,) = scan("env -- AWS_PROFILE=p aws s3 ls").calls
    change = call.env_value("AWS_PROFILE")
    assert change is not None and change.value is not None and change.value.value == "p"


@pytest.mark.parametrize("text, name, value", [
    ("export AWS_PROFILE=CustomerA; ! export AWS_PROFILE=Prod; aws s3 ls", "AWS_PROFILE", "Prod"),
    ('export "AWS_PROFILE=p"; aws s3 ls', "AWS_PROFILE", "p"),
    ('declare -x "AWS_CONFIG_FILE=$(cat f)"; aws s3 ls --profile c', "AWS_CONFIG_FILE", None),
    ('export A"WS_PROFILE=$(x)"; aws s3 ls', "AWS_PROFILE", None),
])
def test_every_spelling_of_an_export_reaches_the_call(text: str, name: str, value: str | None) -> None:
    """`! export` is still an export (bash runs it in this shell), and quotes around an assignment are removed."""
    (call,) = assert_calls(text, [text.rsplit("; ", 1)[1]]).calls
    change = call.env_value(name)
    assert change is not None and change.value is not None and change.value.value == value


def test_a_negated_unset_still_unsets() -> None:
    (call,) = assert_calls("export AWS_PROFILE=p; ! unset AWS_PROFILE; aws s3 ls", ["aws s3 ls"]).calls
    change = call.env_value("AWS_PROFILE")
    assert change is not None and change.value is None
