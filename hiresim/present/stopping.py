"""Stopping the ``hiresim`` command when asked: Ctrl-C or SIGTERM ends a run within a second.

Both signals end in one path: SIGINT raises :class:`KeyboardInterrupt` in the main thread as
always, and while a command runs (:func:`signals_stop`) SIGTERM raises :class:`Terminated`,
a subclass of it. Unwinding through the runner kills the local pool's workers at once
(:func:`hiresim.runner.stop_on_interrupt`) instead of letting them finish the units they hold,
which is what made a stop take as long as the longest unit; a sweep's finished units are on
disk already (each is written as it finishes) and the command prints how to resume it.

SIGTERM's default action kills the process on the spot: the pool's queues and semaphores are
then never released, and loky's resource tracker warns about "leaked semaphore objects" as it
cleans up after it. Turned into an exception, SIGTERM goes through the same orderly shutdown
as Ctrl-C. The exit code is the shell's for the signal: 130 after SIGINT, 143 after SIGTERM.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

#: Exit codes of a command stopped by a signal (128 + the signal's number, as shells report).
EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread while :func:`signals_stop` is in force (a
    :class:`KeyboardInterrupt`, so that everything that cleans up after Ctrl-C does so after
    SIGTERM too)."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def signals_stop() -> Iterator[None]:
    """Within: SIGTERM raises :class:`Terminated` in the main thread; the previous handlers
    (of SIGTERM and SIGINT, see :func:`hold_signals`) are put back after. Does nothing outside
    the main thread (only it can handle signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous_int = signal.getsignal(signal.SIGINT)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def hold_signals() -> None:
    """Ignore further SIGINT and SIGTERM: called once a stop has begun, so that a second
    Ctrl-C does not cut the shutdown of the workers short (it takes well under a second)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def stopped_by(exc: KeyboardInterrupt) -> tuple[str, int]:
    """What stopped the command, in words, and the exit code to leave with."""
    if isinstance(exc, Terminated):
        return "SIGTERM", EXIT_SIGTERM
    return "Ctrl-C (SIGINT)", EXIT_SIGINT


def stop_workers() -> None:
    """Kill the local pool's workers now (see :func:`hiresim.runner.stop_local_pool`)."""
    from hiresim.runner import stop_local_pool

    stop_local_pool()


def units_kept(out: str) -> str:
    """How many units of the sweep in ``out`` are finished and kept there, in words."""
    import warnings

    from hiresim.sweeps import SweepError, read_sweep
    from hiresim.text import plural

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            done = read_sweep(out, verify=False)
        total = len(done.units())
        finished = total - len(done.missing(verify=False))
    except (SweepError, OSError, ValueError):
        return f"no unit had finished ({out} holds nothing to keep)"
    return f"{finished} of {plural(total, 'unit')} finished and kept in {out}"


def leave(code: int) -> None:
    """End the process now with ``code``, once a stop has cleaned up: the output is flushed
    and unreachable objects collected (which releases the stopped pool's semaphores, whose
    finalizers unregister them from loky's resource tracker), but the interpreter's own
    teardown is skipped. Tearing down pandas, pyarrow and the rest takes 0.1 to 0.8 s on a busy
    machine, which alone would break the promise of a stop within a second."""
    import gc
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    gc.collect()
    os._exit(code)
