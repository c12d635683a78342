"""Shared by the operation tables' tests: the installed AWS CLI v1 walked once, and the guard's botocore models."""
from __future__ import annotations

import json
import subprocess
import sys

import botocore.session
import pytest
from botocore import xform_name

from guard.aws.operations import secret_outputs
from tests.testing import clean_env

# botocore service name -> the name the AWS CLI gives it, where they differ (awscli customisations rename
# these; `runtime.sagemaker` is a hidden second name of `sagemaker-runtime`).
CLI_SERVICE_NAMES = {"s3": "s3api", "codedeploy": "deploy", "config": "configservice"}
HIDDEN_SERVICE_ALIASES = {"runtime.sagemaker": "sagemaker-runtime"}

# Runs in a separate interpreter: importing awscli makes `import botocore` load awscli's bundled botocore.
WALK = r'''
import json, sys
import awscli, botocore
from awscli.clidriver import ServiceCommand, ServiceOperation, create_clidriver
from botocore import xform_name

wanted = {tuple(pair) for pair in json.load(sys.stdin)}
out = {"awscli": awscli.__version__, "botocore": botocore.__version__,
       "services": {}, "api": {}, "commands": [], "args": {}}

def subcommands(command):
    return command.subcommand_table if getattr(command, "SUBCOMMANDS", None) else {}

def note(path, command):
    out["commands"].append({"path": list(path), "class": type(command).__name__})

def args(path, command):
    if tuple(path) in wanted:
        out["args"][" ".join(path)] = sorted(command.arg_table)

for name, command in create_clidriver()._get_command_table().items():
    if isinstance(command, ServiceCommand):
        out["services"][name] = command._service_name
        api = {xform_name(op, "-") for op in command._get_service_model().operation_names}
        out["api"][name] = sorted(api)
        for op, sub in command._get_command_table().items():
            args((name, op), sub)
            if type(sub) is ServiceOperation and op in api:
                continue
            note((name, op), sub)
            if op != "wait":
                for third, subsub in subcommands(sub).items():
                    note((name, op, third), subsub)
    else:
        note((name,), command)
        for op, sub in subcommands(command).items():
            note((name, op), sub)
            args((name, op), sub)
json.dump(out, sys.stdout)
'''

@pytest.fixture(scope="session")
def cli(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The installed AWS CLI v1, walked: its services, API operations, non-API commands and some arg tables."""
    home = tmp_path_factory.mktemp("home")  # no ~/.aws/cli/alias, no ~/.aws/models, no AWS_DATA_PATH
    wanted = [list(key) for key in (*secret_outputs.SECRET_WITH_FLAG, *secret_outputs.SECRET_UNLESS_FLAG)]
    done = subprocess.run([sys.executable, "-c", WALK], input=json.dumps(wanted), capture_output=True, text=True,
                          env=clean_env(home), timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def botocore_ops() -> dict[str, set[str]]:
    """CLI service name -> CLI operation names, from the botocore the guard itself uses."""
    session = botocore.session.get_session()
    out: dict[str, set[str]] = {}
    for service in session.get_available_services():
        model = session.get_service_model(service)
        out[CLI_SERVICE_NAMES.get(service, service)] = {xform_name(op, "-") for op in model.operation_names}
    return out
