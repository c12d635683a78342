"""Import bashlex quickly by caching its LR parse tables on disk.

``bashlex.parser`` calls its vendored PLY ``yacc.yacc()`` at import time.  That
copy of PLY never reads ``parsetab.py``, so every ``import bashlex`` rebuilds
the LALR tables (100+ ms).  We hook that single call while bashlex is being
imported: on a cache hit the ``LRParser`` is rebuilt from tables stored on
disk; on a miss the original ``yacc()`` runs and its tables are written out.

bashlex is GPL, so nothing from it is copied here; we only import it and
patch attributes at run time, restoring them as soon as the import is done.
"""

from __future__ import annotations

import marshal
import os
import sys
import types

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~15 ms to import; annotations stay strings.
    from collections.abc import Callable
    from typing import Any

    ProductionRow = tuple[str, tuple[str, ...], tuple[str, int], "str | None", str, int]
    Table = dict[int, dict[str, int]]
    Tables = tuple[tuple[ProductionRow, ...], Table, Table]

# Bump whenever the on-disk layout or the key composition changes.
_CACHE_FORMAT = "bashlex-lr-tables/1"
# Files whose content determines the grammar (rules, tokens, table builder).
_GRAMMAR_FILES = ("yacc.py", "parser.py", "tokenizer.py")
_CRC_BYTES = 4
# The only yacc() call we know how to serve from cache (bashlex.parser's).
_EXPECTED_CALLER = "bashlex.parser"
_EXPECTED_KWARGS = frozenset({"outputdir", "debug"})
# yacc(method, debug, module, ...): position of ``module`` among positional args.
_YACC_MODULE_ARG_INDEX = 2


def load_bashlex() -> types.ModuleType:
    """Import bashlex, reusing LR tables cached on disk; returns the bashlex module."""
    loaded = sys.modules.get("bashlex")
    if loaded is not None:
        return loaded
    hook = _ParserImportHook()
    try:
        return _import_with_hook(hook)
    except Exception:
        # A bad cache (or a bashlex layout we do not understand) must never
        # break the caller: forget the partial import and do it the slow way.
        if hook.served_path is not None:
            _remove_quietly(hook.served_path)
        _forget_bashlex()
    import bashlex  # noqa: F401  (plain, uncached import)

    return sys.modules["bashlex"]


# --------------------------------------------------------------------------
# Import orchestration
# --------------------------------------------------------------------------


def _import_with_hook(hook: _ParserImportHook) -> types.ModuleType:
    """Run a normal ``import bashlex`` with ``hook`` first on sys.meta_path."""
    sys.meta_path.insert(0, hook)
    try:
        import bashlex  # noqa: F401  (runs the hook)

        return sys.modules["bashlex"]
    finally:
        sys.meta_path.remove(hook)
        hook.restore()


class _ParserImportHook:
    """Meta-path finder that patches ``yacc.yacc`` just before ``bashlex.parser`` runs.

    It never finds anything itself (returns None), so the module is still
    located, locked and executed by the regular import machinery.
    """

    def __init__(self) -> None:
        self.served_path: str | None = None
        self._yacc_module: types.ModuleType | None = None
        self._original: Callable[..., Any] | None = None

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname == _EXPECTED_CALLER and self._yacc_module is None:
            self._patch(_import_yacc_without_inspect())
        return None

    def _patch(self, yacc_module: types.ModuleType) -> None:
        self._yacc_module = yacc_module
        self._original = getattr(yacc_module, "yacc")
        setattr(yacc_module, "yacc", self._cached_yacc)

    def restore(self) -> None:
        """Put the real ``yacc.yacc`` back so later callers see stock bashlex."""
        if self._yacc_module is not None and self._original is not None:
            setattr(self._yacc_module, "yacc", self._original)

    def _cached_yacc(self, *args: Any, **kwargs: Any) -> Any:
        # Frame 1 is bashlex.parser's module body; PLY itself would also take
        # the grammar from there (get_caller_module_dict).
        caller = sys._getframe(1)
        # Narrowing for type checkers: _patch() sets both before installing us.
        assert self._yacc_module is not None and self._original is not None
        if _is_expected_call(caller, args, kwargs):
            return self._serve(self._yacc_module, self._original, caller, kwargs)
        if "module" in kwargs or len(args) > _YACC_MODULE_ARG_INDEX:
            return self._original(*args, **kwargs)
        return self._original(*args, module=_caller_namespace(caller), **kwargs)

    def _serve(
        self,
        yacc_module: types.ModuleType,
        original: Callable[..., Any],
        caller: types.FrameType,
        kwargs: dict[str, Any],
    ) -> Any:
        pdict = caller.f_globals
        location = _cache_location(pdict)
        if location is not None:
            parser = _parser_from_cache(yacc_module, location, pdict)
            if parser is not None:
                self.served_path = location[0]
                # yacc() also publishes the last parser's parse() as a module global.
                setattr(yacc_module, "parse", parser.parse)
                return parser
        # Passing module= keeps PLY from inspecting *our* frame for the grammar.
        parser = original(module=_caller_namespace(caller), **kwargs)
        if location is not None:
            # Snapshot now: bashlex.parser patches action rows right after we return.
            tables = _tables_of(parser)
            if tables is not None:
                _write_cache(location[0], location[1], tables)
        return parser


def _is_expected_call(
    caller: types.FrameType, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> bool:
    """True only for bashlex.parser's own module-level ``yacc.yacc(outputdir=..., debug=False)``."""
    return (
        caller.f_globals.get("__name__") == _EXPECTED_CALLER
        and caller.f_globals is caller.f_locals
        and not args
        and set(kwargs) <= _EXPECTED_KWARGS
        and not kwargs.get("debug")
    )


def _caller_namespace(caller: types.FrameType) -> types.SimpleNamespace:
    """The same symbols PLY's get_caller_module_dict() would collect, as a module-like object."""
    symbols = dict(caller.f_globals)
    if caller.f_locals is not caller.f_globals:
        symbols.update(caller.f_locals)
    return types.SimpleNamespace(**symbols)


def _forget_bashlex() -> None:
    """Drop every bashlex module so a retry re-executes them from scratch."""
    for name in [n for n in sys.modules if n == "bashlex" or n.startswith("bashlex.")]:
        del sys.modules[name]


# --------------------------------------------------------------------------
# Deferring ``inspect``
# --------------------------------------------------------------------------


class _LazyInspect(types.ModuleType):
    """Stand-in for ``inspect`` that imports the real module on first attribute use.

    bashlex.yacc only uses inspect inside ParserReflect, i.e. when tables are
    actually built (cache miss), so the ~8 ms import is usually never paid.
    """

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get("inspect") is self:
            # Touched while still installed (another import in the window):
            # step aside so the real module can be imported.
            del sys.modules["inspect"]
        import inspect

        return getattr(inspect, name)


def _import_yacc_without_inspect() -> types.ModuleType:
    """Import ``bashlex.yacc`` with ``inspect`` stubbed if it is not loaded yet."""
    stub: _LazyInspect | None = None
    if "inspect" not in sys.modules and "bashlex.yacc" not in sys.modules:
        stub = _LazyInspect("inspect")
        sys.modules["inspect"] = stub
    try:
        __import__("bashlex.yacc")
    finally:
        # The stub stays bound inside bashlex.yacc only; everyone else gets
        # the genuine module from a normal import.
        if stub is not None and sys.modules.get("inspect") is stub:
            del sys.modules["inspect"]
    return sys.modules["bashlex.yacc"]


# --------------------------------------------------------------------------
# Cache location and key
# --------------------------------------------------------------------------


def _cache_dir() -> str | None:
    """``$XDG_CACHE_HOME/aws-guard`` or ``~/.cache/aws-guard``; None if unusable.

    The tables belong to this process's Python and bashlex, not to the
    environment a command is decided for, so this process's own environment
    says where they live.
    """
    from guard.plumbing.paths import cache_dir

    directory = cache_dir(os.environ)
    return directory if os.path.isabs(directory) else None  # no usable home directory


def _cache_location(pdict: dict[str, Any]) -> tuple[str, tuple[Any, ...]] | None:
    """(cache file, cache key) for this bashlex + Python, or None if it cannot be keyed."""
    try:
        key = _cache_key(os.path.dirname(os.path.abspath(pdict["__file__"])))
        directory = _cache_dir()
        if directory is None:
            return None
        import zlib

        # The full key is stored in and checked against the file; the name only
        # keeps different venvs/interpreters from evicting each other.
        name = "bashlex-lr-%08x.bin" % zlib.crc32(repr(key).encode())
        return os.path.join(directory, name), key
    except Exception:
        return None


def _cache_key(package_dir: str) -> tuple[Any, ...]:
    """Everything that can change the generated tables or their on-disk encoding."""
    stats = []
    for name in _GRAMMAR_FILES:
        path = os.path.join(package_dir, name)
        st = os.stat(path)
        stats.append((path, st.st_size, st.st_mtime_ns))
    return (
        _CACHE_FORMAT,
        _bashlex_version(package_dir),
        sys.version,
        sys.implementation.cache_tag,
        marshal.version,
        tuple(stats),
    )


def _bashlex_version(package_dir: str) -> str:
    """Version from the sibling ``bashlex-X.dist-info`` name (importlib.metadata is slow)."""
    try:
        with os.scandir(os.path.dirname(package_dir)) as entries:
            for entry in entries:
                if entry.name.startswith("bashlex-") and entry.name.endswith(".dist-info"):
                    return entry.name[len("bashlex-") : -len(".dist-info")]
    except OSError:
        pass
    return "unknown"  # Source files' size/mtime in the key still guard staleness.


# --------------------------------------------------------------------------
# Reading the cache
# --------------------------------------------------------------------------


def _parser_from_cache(
    yacc_module: types.ModuleType, location: tuple[str, tuple[Any, ...]], pdict: dict[str, Any]
) -> Any:
    """An LRParser rebuilt from the cache file, or None on any problem."""
    try:
        tables = _read_tables(*location)
        return None if tables is None else _build_parser(yacc_module, tables, pdict)
    except Exception:
        return None


def _read_tables(path: str, key: tuple[Any, ...]) -> Tables | None:
    """Validated tables from ``path``; None if missing, foreign, stale or corrupt."""
    blob = _read_private_file(path)
    if blob is None or len(blob) <= _CRC_BYTES:
        return None
    import zlib

    payload = blob[_CRC_BYTES:]
    # marshal is not hardened against malformed input; reject torn/corrupt files first.
    if int.from_bytes(blob[:_CRC_BYTES], "big") != zlib.crc32(payload):
        return None
    stored = marshal.loads(payload)
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key):
        return None
    return stored[1] if _looks_like_tables(stored[1]) else None


def _read_private_file(path: str) -> bytes | None:
    """File contents, but only if it is ours and not writable by others."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return None
            return handle.read()
    except OSError:
        return None


def _looks_like_tables(tables: Any) -> bool:
    """Type-check the unmarshalled structure so a bad file cannot yield a broken parser."""
    if not (isinstance(tables, tuple) and len(tables) == 3):
        return False
    productions, action, goto = tables
    return (
        isinstance(productions, tuple)
        and all(_is_production_row(row) for row in productions)
        and _is_table(action)
        and _is_table(goto)
    )


def _is_production_row(row: Any) -> bool:
    return (
        isinstance(row, tuple)
        and len(row) == 6
        and isinstance(row[0], str)
        and isinstance(row[1], tuple)
        and all(isinstance(symbol, str) for symbol in row[1])
        and isinstance(row[2], tuple)
        and (row[3] is None or isinstance(row[3], str))
        and isinstance(row[4], str)
        and type(row[5]) is int
    )


def _is_table(table: Any) -> bool:
    """dict[int, dict[str, int]]; collects types into sets because a per-value
    generator costs ~3x more (this runs on every warm import)."""
    if type(table) is not dict or {type(state) for state in table} - {int}:
        return False
    rows = table.values()
    if {type(row) for row in rows} - {dict}:
        return False
    return not (
        {type(symbol) for row in rows for symbol in row} - {str}
        or {type(value) for row in rows for value in row.values()} - {int}
    )


def _build_parser(yacc_module: types.ModuleType, tables: Tables, pdict: dict[str, Any]) -> Any:
    """Construct ``yacc.LRParser`` exactly as yacc() would, from cached tables."""
    rows, action, goto = tables
    productions = []
    for number, (name, symbols, precedence, func, file, line) in enumerate(rows):
        production = yacc_module.Production(number, name, symbols, precedence, func, file, line)
        production.bind(pdict)  # KeyError if a p_* function vanished -> cache miss.
        if func is not None and not callable(production.callable):
            return None
        productions.append(production)
    # LRParser only reads these three attributes of the LRTable it is given.
    lrtab = types.SimpleNamespace(lr_productions=productions, lr_action=action, lr_goto=goto)
    return yacc_module.LRParser(lrtab, pdict.get("p_error"))


# --------------------------------------------------------------------------
# Writing the cache
# --------------------------------------------------------------------------


def _tables_of(parser: Any) -> Tables | None:
    """Plain-data copy of a freshly built LRParser's tables (None if not representable)."""
    try:
        if any(p.number != i for i, p in enumerate(parser.productions)):
            return None  # We rebuild numbers from positions; refuse anything else.
        rows = tuple(
            (p.name, tuple(p.prod), tuple(p.prec), p.func, p.file, p.line)
            for p in parser.productions
        )
        action = {state: dict(row) for state, row in parser.action.items()}
        goto = {state: dict(row) for state, row in parser.goto.items()}
    except Exception:
        return None
    return rows, action, goto


def _write_cache(path: str, key: tuple[Any, ...], tables: Tables) -> None:
    """Atomically write the cache file (0600, in a 0700 directory); never raises."""
    tmp: str | None = None
    try:
        import zlib

        payload = marshal.dumps((key, tables))
        blob = zlib.crc32(payload).to_bytes(_CRC_BYTES, "big") + payload
        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)
        tmp = _write_temp(directory, blob)
        # Readers see either the old file or the complete new one, never a torn write.
        os.replace(tmp, path)
        tmp = None
    except Exception:
        pass  # Caching is an optimisation only.
    finally:
        if tmp is not None:
            _remove_quietly(tmp)


def _write_temp(directory: str, blob: bytes) -> str:
    """Write ``blob`` to a fresh 0600 temp file in ``directory``; return its path."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".bashlex-lr-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
    except BaseException:
        _remove_quietly(tmp)
        raise
    return tmp


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
