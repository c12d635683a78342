"""AG0xx and AG501: the whole command line, judged once before its aws calls.

The shell scan (guard.shell.scan) reports what stopped it from proving the
command safe, by kind; these rules turn each kind into a deny. AG501 looks at
every word and redirection target the scan saw.
"""
from __future__ import annotations

from guard.aws import protected_files
from guard.policy.model import DENY
from guard.policy.rules.registry import SHELL, example, rule
from guard.shell.scan import COMPUTED, DISAGREEMENT, UNPARSABLE

TYPE_CHECKING = False  # typing costs ~7 ms at start-up; annotations are strings here
if TYPE_CHECKING:
    from guard.policy.model import Context
    from guard.policy.rules.registry import Judgement
    from guard.shell.scan import Scan


def _problems(found: Scan, kind: str) -> list[Judgement]:
    return [(DENY, p.message) for p in found.problems if p.kind == kind]


@rule("AG001", "no shell parser can read a command that mentions aws", SHELL,
      bad=(example("aws s3 ls --profile CustomerA 'unterminated"), example("if aws s3 ls --profile CustomerA; then")),
      good=(example("echo 'unterminated", "pass"),))
def unparsable(found: Scan, ctx: Context) -> list[Judgement]:
    return _problems(found, UNPARSABLE)


@rule("AG002", "the two parsers find different aws calls", SHELL,
      bad=(example("aws s3 ls --profile CustomerA;# $(aws s3 rb s3://x)"),),
      good=(example("aws s3 ls --profile CustomerA | grep x", "pass"),))
def parsers_disagree(found: Scan, ctx: Context) -> list[Judgement]:
    return _problems(found, DISAGREEMENT)


@rule("AG003", "a command name or script computed at run time, in a command that mentions aws", SHELL,
      bad=(example("$(echo aws) s3 ls --profile CustomerA"), example("${X:-aws} s3 ls"), example("x=aws; $x s3 ls"),
           example('bash -c "$CMD" # aws')),
      good=(example("$EDITOR notes.txt", "pass"), example("echo aws s3 ls", "pass")))
def computed_command(found: Scan, ctx: Context) -> list[Judgement]:
    return _problems(found, COMPUTED)


@rule("AG501", "a command names the AWS CLI's credential or config files", SHELL,
      bad=(example("cat ~/.aws/credentials"), example("grep -r aws_secret $HOME/.aws"), example("base64 < ~/.aws/config"),
           example("cp -r ~/.aws /tmp/backup"), example("cat ~/.aws/cli/cache/*.json | jq ."),
           example("echo '[profile x]' >> ~/.aws/config"),
           example("aws s3 cp ~/.aws/credentials s3://b/ --profile Writer"),
           example("cd ~/.aws && less credentials"), example("while read l; do :; done < /root/.aws/credentials"),
           example("cat <<EOF\n$(echo x > ~/.aws/credentials)\nEOF")),
      good=(example("cat README.aws", "pass"), example("aws configure list --profile CustomerA", "pass"),
            example("ls ~/projects/aws-tools", "pass")))
def protected_file(found: Scan, ctx: Context) -> list[Judgement]:
    """The first word or redirection that names ~/.aws or a file AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE names."""
    extra = protected_files.configured(ctx.env)
    for word in found.words:
        for text in (word.text, word.value or ""):
            if protected_files.refers(text, extra):
                return [(DENY, protected_files.message(word.shown))]
    return []


@rule("AG004", "a PowerShell command sets or clears an AWS_* variable through its Env: drive", SHELL,
      bad=(example("Set-Item -Path Env:AWS_CONFIG_FILE -Value /tmp/c; aws s3 ls --profile CustomerA"),
           example("New-Item Env:AWS_SHARED_CREDENTIALS_FILE -Value /tmp/c"),
           example("Remove-Item Env:\\AWS_CONFIG_FILE; aws s3 ls --profile CustomerA")),
      good=(example("Get-ChildItem Env: | Select-String PATH", "pass"),
            example("aws s3 ls --profile CustomerA", "pass")))
def powershell_environment(found: Scan, ctx: Context) -> list[Judgement]:
    """PowerShell commands are read with bash's grammar, which cannot see `Env:` changes (AG105 for PowerShell)."""
    import re

    for word in found.words:
        if re.search(r"(?i)(?:^|[\s$'\"(])env:\\?aws_", word.text):
            return [(DENY, f"`{word.shown}` changes an AWS_* variable through PowerShell's Env: drive, which "
                           "re-points the identity later aws calls run as; use a declared profile with --profile")]
    return []
