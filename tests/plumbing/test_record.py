"""guard.plumbing.record: the hook's small stand-in for dataclasses."""
from __future__ import annotations

import pytest

from guard.plumbing.record import asdict, field, record, replace


@record(frozen=True)
class Call:
    service: str
    operation: str
    profile: str | None = None
    regions: tuple[str, ...] = ()


@record
class Finding:
    code: str
    message: str
    fixes: list[str] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    level: str = field(default="warning")


@record
class Note:
    code: str
    message: str


@record(frozen=True)
class Point:
    x: int
    y: int


@record(frozen=True)
class Vector:
    x: int
    y: int


def test_positional_and_keyword_construction_in_annotation_order() -> None:
    every = Call("s3", "ls", "CustomerA", ("eu-west-1",))
    assert (every.service, every.operation, every.profile, every.regions) == ("s3", "ls", "CustomerA", ("eu-west-1",))
    mixed = Call("s3", regions=("eu-west-1",), operation="ls", profile="CustomerA")
    keywords = Call(regions=("eu-west-1",), profile="CustomerA", operation="ls", service="s3")
    assert every == mixed == keywords


def test_defaults_fill_what_is_not_given() -> None:
    call = Call("sts", "get-caller-identity")
    assert call.profile is None and call.regions == ()
    assert Call("s3", "ls", regions=("us-east-1",)).profile is None
    assert Finding("AG101", "no profile").level == "warning"


def test_a_default_factory_gives_each_instance_its_own_object() -> None:
    first, second = Finding("AG101", "a"), Finding("AG102", "b")
    first.fixes.append("add --profile")
    first.seen["s3"] = 1
    assert second.fixes == [] and second.seen == {}
    assert first.fixes is not second.fixes and first.seen is not second.seen
    assert Finding("AG103", "c").fixes == []


def test_defaults_do_not_linger_as_class_attributes() -> None:
    call = Call("s3", "ls")
    assert "profile" in vars(call) and "profile" not in vars(Call)
    assert "fixes" in vars(Finding("AG101", "a"))


@pytest.mark.parametrize("make, message", [
    (lambda: Call("s3"), "Call() missing argument 'operation'"),
    (lambda: Call(operation="ls"), "Call() missing argument 'service'"),
    (lambda: Finding(), "Finding() missing argument 'code'"),
    (lambda: Call("s3", "ls", account="1"), "Call() got an unexpected or repeated argument 'account'"),
    (lambda: Call("s3", "ls", service="ec2"), "Call() got an unexpected or repeated argument 'service'"),
    (lambda: Point(1, 2, 3), "Point() takes 2 arguments, got 3"),
    (lambda: Call("s3", "ls", None, (), "extra"), "Call() takes 4 arguments, got 5"),
])
def test_wrong_arguments_raise_type_error_naming_the_class(make: object, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        make()  # type: ignore[operator]
    assert str(raised.value) == message


def test_frozen_records_are_immutable() -> None:
    call = Call("s3", "ls")
    with pytest.raises(AttributeError, match="Call is immutable"):
        call.profile = "Prod"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="Call is immutable"):
        call.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="Call is immutable"):
        del call.service  # type: ignore[misc]
    assert call == Call("s3", "ls")


def test_frozen_records_are_hashable_and_equal_by_value() -> None:
    a, b = Call("s3", "ls", "CustomerA"), Call("s3", "ls", "CustomerA")
    assert a == b and a is not b and hash(a) == hash(b)
    assert a != Call("s3", "ls", "Writer")
    assert {a, b, Call("s3", "ls")} == {a, Call("s3", "ls")}
    assert {a: "seen"}[b] == "seen"


def test_mutable_records_are_unhashable_but_comparable() -> None:
    a, b = Finding("AG101", "no profile"), Finding("AG101", "no profile")
    with pytest.raises(TypeError):
        hash(a)
    assert a == b
    b.fixes.append("add --profile")
    assert a != b
    a.level = "error"  # mutable records take assignment
    assert a.level == "error"


def test_records_of_different_classes_are_never_equal() -> None:
    assert Point(1, 2) != Vector(1, 2)
    assert not (Point(1, 2) == Vector(1, 2))
    assert Note("AG101", "a") != Finding("AG101", "a")
    assert Point(1, 2) != (1, 2) and Point(1, 2) != {"x": 1, "y": 2}
    assert len({Point(1, 2), Vector(1, 2)}) == 2


def test_replace_makes_a_new_record_with_the_changes() -> None:
    call = Call("s3", "ls", "CustomerA")
    changed = replace(call, profile="Writer", regions=("eu-west-1",))
    assert changed == Call("s3", "ls", "Writer", ("eu-west-1",))
    assert call == Call("s3", "ls", "CustomerA")  # the original stays as it was
    assert replace(call) == call and replace(call) is not call
    finding = replace(Finding("AG101", "a", ["fix"]), level="error")
    assert type(finding) is Finding and finding.fixes == ["fix"] and finding.level == "error"
    with pytest.raises(TypeError, match="Call"):
        replace(call, account="1")


def test_asdict_gives_the_fields_in_order() -> None:
    assert list(asdict(Call("s3", "ls")).items()) == [
        ("service", "s3"), ("operation", "ls"), ("profile", None), ("regions", ())]
    assert asdict(Finding("AG101", "a")) == {"code": "AG101", "message": "a", "fixes": [], "seen": {},
                                             "level": "warning"}


def test_repr_shows_the_fields_in_order() -> None:
    assert repr(Call("s3", "ls", "CustomerA")) == "Call(service='s3', operation='ls', profile='CustomerA', regions=())"
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    assert repr(Finding("AG101", "it's")) == (
        "Finding(code='AG101', message=\"it's\", fixes=[], seen={}, level='warning')")
