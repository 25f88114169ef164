"""WorkQueue: a simpy.Resource whose claim/free serve in the same order, with fewer events."""

from __future__ import annotations

import random

import simpy

from hiresim.queues import WorkQueue


def _serve(resource_cls, capacity: int, jobs: list[tuple[float, float]], fast: bool
           ) -> list[tuple[int, float, float]]:
    """Run jobs (arrival, service) through a resource; (job, start, end) in completion order."""
    env = simpy.Environment()
    res = resource_cls(env, capacity=capacity)
    done: list[tuple[int, float, float]] = []

    def job(k: int, arrival: float, service: float):
        yield env.timeout(arrival)
        if fast:
            request = res.claim()
            if request is not None:
                yield request
            start = env.now
            yield env.timeout(service)
            res.free(request)
        else:
            with res.request() as request:
                yield request
                start = env.now
                yield env.timeout(service)
        done.append((k, start, env.now))

    for k, (arrival, service) in enumerate(jobs):
        env.process(job(k, arrival, service))
    env.run()
    return done


def test_claim_and_free_serve_like_simpy_resource() -> None:
    rng = random.Random(5)
    t = 0.0
    jobs = []
    for _ in range(2000):
        t += rng.expovariate(1.0)
        jobs.append((t, rng.expovariate(0.4)))
    for capacity in (1, 3):
        assert _serve(WorkQueue, capacity, jobs, fast=True) == \
            _serve(simpy.Resource, capacity, jobs, fast=False)


def test_claim_returns_none_when_free_and_a_request_when_busy() -> None:
    env = simpy.Environment()
    res = WorkQueue(env, capacity=2)
    assert res.claim() is None and res.claim() is None
    assert res.count == 2
    queued = res.claim()
    assert isinstance(queued, simpy.resources.resource.Request)
    assert not queued.triggered and len(res.queue) == 1
    res.free(None)  # a slot comes back: the queued request is granted at once
    assert queued.triggered and res.count == 2 and not res.queue
    res.free(queued)
    res.free(None)
    assert res.count == 0


def test_claim_respects_waiting_requests() -> None:
    """A slot freed while requests wait goes to the first of them, not to a newcomer."""
    env = simpy.Environment()
    res = WorkQueue(env, capacity=1)
    assert res.claim() is None
    first = res.claim()
    res.free(None)
    assert first.triggered
    second = res.claim()
    assert second is not None and not second.triggered


def test_standard_request_release_still_work() -> None:
    env = simpy.Environment()
    res = WorkQueue(env, capacity=1)
    log = []

    def user(name: str, hold: float):
        with res.request() as req:
            yield req
            log.append((name, env.now))
            yield env.timeout(hold)

    env.process(user("a", 2.0))
    env.process(user("b", 1.0))
    env.run()
    assert log == [("a", 0.0), ("b", 2.0)]
