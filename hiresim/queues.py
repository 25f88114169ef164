"""A person's (or a pool's) queue of work: a SimPy resource with a cheaper way in and out.

Every task of the simulation is "queue for a person, hold them while working, let go". With
:class:`simpy.Resource` that costs two events per task even when nobody waits: the ``Request``
(granted at once, but the process still parks on it until the event queue reaches it) and the
``Release`` (an event whose only job is to let the next request in). A task pipeline runs
several of them per candidate, so they were a visible share of a replication's time.

:class:`WorkQueue` *is* a :class:`simpy.Resource` (same FIFO queue, ``users``, ``queue``,
``count``, and the usual ``request()``/``release()`` for anyone who wants them), with two extra
methods used on the hot path:

* :meth:`WorkQueue.claim` takes a free slot at once and returns ``None`` (no event, nothing to
  wait for), or queues a normal ``Request`` and returns it for the caller to ``yield``;
* :meth:`WorkQueue.free` gives the slot back and grants the next queued request right away,
  without a ``Release`` event in between.

Order of service is the same first-come-first-served order as :class:`simpy.Resource`; what
changes is only how moments that coincide exactly are interleaved (the task that finds its
person free goes on without first letting other events of the same instant run).
"""

from __future__ import annotations

from typing import cast

import simpy
from simpy.events import PENDING
from simpy.resources.resource import Request

__all__ = ["WorkQueue"]

#: Stands in ``users`` for a slot taken by :meth:`WorkQueue.claim` without a request event.
#: Slots are interchangeable, so one shared marker serves for all of them. Typed as a Request
#: because ``users`` is a ``list[Request]``: the marker is only counted and removed there,
#: never used as an event (anyone reading ``users`` must expect it).
_HELD = cast(Request, object())


class WorkQueue(simpy.Resource):
    """A :class:`simpy.Resource` with :meth:`claim` and :meth:`free` (no events when idle)."""

    def claim(self) -> Request | None:
        """Take a slot: ``None`` if one was free (the caller holds it now), else a queued
        request to ``yield`` (it is granted in first-come-first-served order)."""
        users, queue = self.users, self.put_queue
        if len(users) < self.capacity and not queue:
            users.append(_HELD)
            return None
        # What ``self.request()`` does when every slot is taken, without its two no-ops: the
        # immediate ``_trigger_put`` (nothing can be granted: the slots are full, or others
        # queue first) and the ``_trigger_get`` callback (``get_queue`` is always empty here:
        # a ``Release`` leaves it in its own constructor).
        request = Request.__new__(Request)
        env = self._env
        request.env = env
        request.callbacks = []
        request._value = PENDING
        request.resource = self
        request.proc = env.active_process
        queue.append(request)
        return request

    def free(self, request: Request | None) -> None:
        """Give back the slot that :meth:`claim` returned ``request`` for, and let the next
        queued request in at once (what ``_trigger_put`` does for a :class:`simpy.Resource`:
        grant the first request in the queue, since one slot is free now)."""
        users = self.users
        users.remove(_HELD if request is None else request)
        queue = self.put_queue
        if queue:
            granted = queue.pop(0)
            users.append(granted)
            granted.usage_since = self._env.now
            granted.succeed()
