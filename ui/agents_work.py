"""Running two of the Agents page's computations at once (issue 18).

The agent comparison and its month-by-month history are independent and spend most of their
time in Polars, numpy and statsmodels' linear algebra, which release the GIL: run side by
side on a two-core machine they take about the time of the longer one.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

A = TypeVar("A")
B = TypeVar("B")


def beside(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``(first(), second())``, ``second`` run in a worker thread while ``first`` runs here.

    The worker gets this script run's context (a cached function there finds the session's
    cache and settings) and a copy of the context variables (the business zone); it must not
    draw anything (no spinner, no element): only the script
    thread writes to the page. An error in either is raised here, ``first``'s first.

    >>> beside(lambda: 1, lambda: "two")
    (1, 'two')
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    # context variables (the business zone of lib.periods) are not inherited by a thread
    variables = contextvars.copy_context()

    def work() -> B:
        if ctx is not None:
            add_script_run_ctx(threading.current_thread(), ctx)
        return variables.run(second)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="agents") as pool:
        later = pool.submit(work)
        a = first()  # on an error here, leaving the block still waits for the worker
        b = later.result()
    return a, b


__all__ = ["beside"]
