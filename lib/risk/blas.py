"""Run numpy's BLAS on one thread while the risk model fits.

The fits are small (thousands of rows, a few dozen columns). On a machine whose cores are busy,
OpenBLAS's threads spin waiting for each other on every product: a 10,000-row fit then took 0.4
to 1.6 s instead of 0.01 s (measured on the demo data, load 2-4 on 2 cores). One thread does
the same arithmetic, so the results are unchanged. Where the thread count cannot be set (no
OpenBLAS, another BLAS, another operating system) this does nothing.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

_LOCK = threading.RLock()
#: Blocks of :func:`one_thread` running now (fits in several threads share the setting) and the
#: thread counts to restore when the last one ends.
_inside = 0
_saved: list[tuple[Callable[[int], None], int]] = []
_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "")


@cache
def _controls() -> tuple[tuple[Callable[[], int], Callable[[int], None]], ...]:
    """The get/set thread-count functions of each OpenBLAS loaded in this process."""
    maps = Path("/proc/self/maps")
    try:
        paths = {
            line.split()[-1]
            for line in maps.read_text().splitlines()
            if "openblas" in line.lower() and line.split()[-1].startswith("/")
        }
    except OSError:
        return ()
    found = []
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in (p + "_{}_num_threads" + s for p in _PREFIXES for s in _SUFFIXES):
            get = getattr(lib, name.format("get"), None)
            put = getattr(lib, name.format("set"), None)
            if get is not None and put is not None:
                get.restype = ctypes.c_int
                put.argtypes = [ctypes.c_int]
                found.append((get, put))
                break
    return tuple(found)


def threads() -> list[int]:
    """The thread count of each loaded OpenBLAS (empty when none can be read).

    >>> all(n >= 1 for n in threads())
    True
    """
    return [int(get()) for get, _ in _controls()]


@contextmanager
def one_thread() -> Iterator[None]:
    """Inside the block, every loaded OpenBLAS uses one thread (restored afterwards, when no
    other thread is inside such a block: fits run side by side in several threads).

    >>> with one_thread():
    ...     inside = threads()
    >>> set(inside) <= {1}
    True
    """
    global _inside, _saved
    with _LOCK:  # the first block in sets one thread, the last one out restores the count
        if _inside == 0:
            _saved = [(put, int(get())) for get, put in _controls()]
            for put, _ in _saved:
                put(1)
        _inside += 1
    try:
        yield
    finally:
        with _LOCK:
            _inside -= 1
            if _inside == 0:
                for put, n in _saved:
                    put(n)
