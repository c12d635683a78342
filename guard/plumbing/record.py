"""Plain records for the hook's hot path: a small stand-in for dataclasses.

The hook starts a fresh interpreter before every Bash command, and its budget is
a few times the bare interpreter's start-up. `dataclasses` imports `inspect`
(about 7 ms here) and compiles generated code for every class (0.3-0.6 ms
each); with two dozen records that was a third of the budget on aws commands
(measured with bench/hook_bench.py). These records read the class annotations
(strings, thanks to `from __future__ import annotations`) and share one
generic `__init__`, `__repr__` and `__eq__`, with no code generation.

Supported: positional and keyword construction in annotation order, defaults,
`field(default_factory=...)`, `frozen=True` (immutable and hashable),
`replace()` and `asdict()`.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # type checkers read records as dataclasses; nothing here is imported at run time
    from typing import Any, Callable, TypeVar, overload

    from typing_extensions import dataclass_transform

    T = TypeVar("T")
else:
    def dataclass_transform(**_: object) -> object:
        return lambda function: function

    def overload(function: object) -> object:
        return function

_MISSING = object()


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None) -> Any:
    return _Factory(default_factory) if default_factory is not None else default


@overload
def record(cls: type[T], *, frozen: bool = False) -> type[T]: ...
@overload
def record(cls: None = None, *, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...  # noqa: F811


@dataclass_transform(field_specifiers=(field,))
def record(cls: type[T] | None = None, *, frozen: bool = False) -> Any:  # noqa: F811 (the overloads above)
    """Class decorator: `@record` or `@record(frozen=True)`."""
    if cls is None:
        return lambda c: _build(c, frozen)
    return _build(cls, frozen)


def _build(cls: type[T], frozen: bool) -> type[T]:
    names = tuple(n for n in cls.__dict__.get("__annotations__", {}) if not n.startswith("__"))
    defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
    for name in defaults:
        delattr(cls, name)  # instances always carry their own value
    cls.__record_fields__ = names  # type: ignore[attr-defined]
    cls.__record_defaults__ = defaults  # type: ignore[attr-defined]
    cls.__init__ = _init  # type: ignore[method-assign]
    cls.__repr__ = _repr  # type: ignore[method-assign]
    cls.__eq__ = _eq  # type: ignore[method-assign]
    if frozen:
        cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign]
        cls.__delattr__ = _frozen_setattr  # type: ignore[method-assign]
        cls.__hash__ = _hash  # type: ignore[method-assign]
    else:
        cls.__hash__ = None  # type: ignore[assignment]  # mutable and comparable: unhashable, like dataclasses
    return cls


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    names = cls.__record_fields__
    if not kwargs and len(args) == len(names):  # the common case: every field, in order
        self.__dict__.update(zip(names, args))  # one C call; bypasses a frozen record's __setattr__
        return
    if len(args) > len(names):
        raise TypeError(f"{cls.__name__}() takes {len(names)} arguments, got {len(args)}")
    values = dict(zip(names, args))
    for key in kwargs:
        if key not in names or key in values:
            raise TypeError(f"{cls.__name__}() got an unexpected or repeated argument {key!r}")
    values.update(kwargs)
    if len(values) < len(names):
        _fill_defaults(cls, names, values)
    self.__dict__.update(values)


def _fill_defaults(cls: type, names: tuple[str, ...], values: dict[str, Any]) -> None:
    defaults = cls.__record_defaults__  # type: ignore[attr-defined]
    for name in names:
        if name not in values:
            default = defaults.get(name, _MISSING)
            if default is _MISSING:
                raise TypeError(f"{cls.__name__}() missing argument {name!r}")
            values[name] = default.make() if isinstance(default, _Factory) else default


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, n) for n in type(self).__record_fields__)


def _repr(self: Any) -> str:
    inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in type(self).__record_fields__)
    return f"{type(self).__name__}({inner})"


def _eq(self: Any, other: Any) -> bool:
    if type(other) is not type(self):
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _frozen_setattr(self: Any, *args: Any) -> None:
    raise AttributeError(f"{type(self).__name__} is immutable")


def replace(obj: T, **changes: Any) -> T:
    values = {n: getattr(obj, n) for n in type(obj).__record_fields__}  # type: ignore[attr-defined]
    values.update(changes)
    return type(obj)(**values)


def asdict(obj: Any) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in type(obj).__record_fields__}
