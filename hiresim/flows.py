"""Candidate processes without SimPy's two bookkeeping events: started at once, ended quietly.

A :class:`simpy.Process` costs two events besides the ones it waits for: the ``Initialize``
event that starts it (the generator runs only when the event queue reaches it) and the
process's own event, scheduled when the generator returns, so that others may wait for it.
Every candidate is a process, and in the M/M/3 queue these two events were 2 of the ~4.7
events per customer; nobody ever waits for a candidate's process.

A :class:`Flow` is a :class:`simpy.Process` (same ``_resume``, same failure handling) that

* is started by whoever creates it, with :meth:`Flow.start`, in the middle of its own step,
  instead of by an ``Initialize`` event; and
* when its generator returns, is marked processed at once if nobody waits for it (no callback
  can be added to it afterwards, so no event is needed); if somebody does wait, its event is
  scheduled exactly as SimPy does. A process that fails always schedules its event, so that
  the failure reaches :meth:`simpy.Environment.run` as before.

Starting at once is the same as SimPy's start, event for event, when the creator starts the
flow right after it has scheduled what it waits for next (see
:meth:`hiresim.pipeline.Pipeline.arrivals`): SimPy's ``Initialize`` is an urgent event at the
current time, processed right after the creator's step, before anything else of that instant,
and the events the flow's first step schedules come after the creator's next event in both
cases. Skipping the process's own event changes nothing either: an event that nobody waits for
does nothing when processed, and skipping it does not reorder the others (SimPy orders events
of one instant by a counter, which only needs to increase).
"""

from __future__ import annotations

from typing import Any

import simpy
from simpy.events import Event, Process

__all__ = ["Flow"]


class _Go:
    """What a flow's first step receives: an event that has succeeded with ``None``."""

    __slots__ = ()
    _ok = True
    _value = None


_GO: Any = _Go()


class Flow(Process):
    """A :class:`simpy.Process` its creator starts with :meth:`start` (no ``Initialize``
    event), whose end is an event only if somebody waits for it."""

    def __init__(self, env: simpy.Environment, generator: Any) -> None:
        # what Process.__init__ does, without scheduling an Initialize event
        self.env = env
        self.callbacks = []
        self._generator = generator
        self._target = _GO

    def start(self) -> None:
        """Run the generator up to the first event it waits for, now, inside the caller's
        step (the caller's process stays the active one)."""
        env = self.env
        active = env._active_proc
        self._resume(_GO)
        env._active_proc = active

    def _resume(self, event: Event) -> None:
        """:meth:`simpy.Process._resume` (SimPy 4.1, MIT licence), except that a generator that
        returns while nobody waits for it marks the process processed instead of scheduling
        its event."""
        env = self.env
        env._active_proc = self
        generator = self._generator
        while True:
            try:
                if event._ok:
                    event = generator.send(event._value)
                else:
                    event._defused = True
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    event = generator.throw(exc)
            except StopIteration as e:
                self._ok = True
                self._value = e.args[0] if e.args else None
                if self.callbacks:
                    env.schedule(self)
                else:  # nobody waits: processed now (a later ``yield`` goes on at once)
                    self.callbacks = None  # type: ignore[assignment]
                event = None  # type: ignore[assignment]
                break
            except BaseException as e:
                self._ok = False
                e.__traceback__ = e.__traceback__.tb_next  # type: ignore[union-attr]
                self._value = e
                env.schedule(self)
                event = None  # type: ignore[assignment]
                break
            try:
                if event.callbacks is not None:
                    event.callbacks.append(self._resume)
                    break
            except AttributeError:
                if hasattr(event, "callbacks"):
                    raise
                raise RuntimeError(f'Invalid yield value "{event}" in {self}') from None
        self._target = event
        env._active_proc = None
