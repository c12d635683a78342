"""No false alarms on real-world commands: the check of bench/corpus_check.py as a test.

Every command of ../shared/corpora/corpus_nonaws.txt that bash accepts must
pass, and every aws-cli example of corpus_aws.txt must pass once it names the
read-write profile (`--profile Writer`). The corpora are not part of the repo:
they live in ../shared/corpora beside a checkout (as in CI). Where they are
absent the test skips, saying where it looked; where AWS_GUARD_CORPORA names a
copy, a missing one is a failure. Takes about 15 s.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType

import pytest

from tests.testing import CORPORA, REPO

SCRIPT = REPO / "bench" / "corpus_check.py"


def _load_script() -> ModuleType:
    name = "bench_corpus_check"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None and spec.loader is not None, f"cannot load {SCRIPT}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_corpora_have_no_false_alarms() -> None:
    corpus_check = _load_script()
    missing = [str(CORPORA / name) for name in (corpus_check.NONAWS, corpus_check.AWS) if not (CORPORA / name).is_file()]
    if missing:
        why = (f"corpora not found: looked for {', '.join(missing)}; they are expected in ../shared/corpora "
               "beside the checkout, or wherever AWS_GUARD_CORPORA points")
        if os.environ.get("AWS_GUARD_CORPORA"):
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    report = corpus_check.check(CORPORA)
    text = corpus_check.format_report(report)
    print(text)
    assert report.stats[corpus_check.NONAWS].total == 20000 and report.stats[corpus_check.AWS].total > 7000, text
    assert not report.false_alarms, f"{len(report.false_alarms)} false alarms on the corpora:\n{text}"
