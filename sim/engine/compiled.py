"""Compiled kernels: Numba's ``njit``, cached on disk, stamped with the whole engine.

Numba's own cache notices when a function's file changes, not when a function it calls
in another file does. The engine keeps each kind's daily rule in its own module and one
kernel calls them all, so its kernels are stamped with a hash of every source file of
the engine (and of the schema, whose choices the rules code as numbers): editing any
rule recompiles them, and an unchanged engine loads them from
the cache (in ``__pycache__`` beside the sources, or in the user's cache folder). The
first run on a machine compiles them once (see README, "Speed").

Example (a kernel is called like the Python function it compiles)::

    >>> from sim.engine.arithmetic import whole_cap
    >>> int(whole_cap(12.7)), int(whole_cap(float("inf"))) == 2**62
    (12, True)
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import numba
from numba.core import caching

ENGINE = Path(__file__).resolve().parent
SCHEMA = ENGINE.parent / "scenario" / "schema.py"  # the kernels' choice codes come from it


def _fingerprint() -> bytes:
    digest = hashlib.sha256(numba.__version__.encode())
    for path in [*sorted(ENGINE.rglob("*.py")), SCHEMA]:
        digest.update(path.relative_to(ENGINE.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.digest()


FINGERPRINT = _fingerprint()


class _EngineStamp:
    """A cache locator for the engine's files whose stamp is the whole engine's hash."""

    def get_source_stamp(self) -> bytes:
        return FINGERPRINT

    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> Any:
        if not Path(py_file).resolve().is_relative_to(ENGINE):
            return None
        return super().from_function(py_func, py_file)  # type: ignore[misc]


class _UserProvided(_EngineStamp, caching.UserProvidedCacheLocator):
    pass


class _InTree(_EngineStamp, caching.InTreeCacheLocator):
    pass


class _UserWide(_EngineStamp, caching.UserWideCacheLocator):
    pass


_LOCATORS = caching.CacheImpl._locator_classes
for _locator in (_UserWide, _InTree, _UserProvided):  # tried in the reverse of this order
    if _locator not in _LOCATORS:
        _LOCATORS.insert(0, _locator)


@contextlib.contextmanager
def _short_loops() -> Iterator[None]:
    """Compile with LLVM's loop vectorizer off.

    The rules' loops are short (munitions, a kind's entities), and the vectorizer guards
    each with a run-time check that no two of the arrays it touches overlap, pair by
    pair: a few hundred instructions each time a loop starts, for loops of two to eight
    turns. Only munsim's kernels are compiled so; other code's setting is untouched.
    """
    config: Any = numba.config  # its settings are made at run time; mypy cannot see them
    saved = config.LOOP_VECTORIZE
    config.LOOP_VECTORIZE = 0
    try:
        yield
    finally:
        config.LOOP_VECTORIZE = saved


def _compile(function: Any, **options: Any) -> Any:
    # nogil: a kernel lets go of Python's lock while it runs, so two batches (a page's
    # two variants) run side by side in two threads, one on each core
    dispatcher = numba.njit(cache=True, error_model="numpy", nogil=True, **options)(function)
    compile_types = dispatcher.compile

    def compile_short(signature: Any) -> Any:
        with _short_loops():
            return compile_types(signature)

    dispatcher.compile = compile_short
    return dispatcher


def kernel[F: Callable[..., Any]](function: F) -> F:
    """Compile a rule or a helper with Numba, to be inlined where it is called.

    Every kind's daily rule and every helper is inlined into the one kernel that runs
    the day (``sim.engine.kernel.advance``), so a day makes no calls: a call would pass
    each array of each struct as seven separate arguments and count a reference to it,
    several hundred of each a rule, which for one member costs more than the rule.
    Called from Python, a kernel is compiled on its own, as tests do.

    Conventions that keep the compiled code lean:

    - a rule or helper has one way out: an early ``return`` inside a loop stops Numba
      pairing the reference counts of the arrays it was given, so they are paid on
      every call (``advance``, called once a span, may return early);
    - conditions are combined with ``&`` and ``|``, never ``and`` and ``or``: Numba lowers
      a short-circuit into branches that keep such reference counts alive;
    - integer division by zero gives 0 and float division inf or NaN, as in numpy; the
      rules guard every division whose divisor can be zero.
    """
    return cast(F, _compile(function, inline="always"))
