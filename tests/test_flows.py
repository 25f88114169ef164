"""Flow: a candidate process started by its creator, whose end is an event only if awaited."""

from __future__ import annotations

import pandas as pd
import pytest
import simpy

import hiresim as hs
import hiresim.pipeline
from hiresim.flows import Flow
from hiresim.results import TABLES


def _counting(env: simpy.Environment) -> list[object]:
    """Wrap ``env.schedule``: the events scheduled from now on, in order."""
    scheduled: list[object] = []
    schedule = env.schedule

    def spy(event, *args, **kwargs):
        scheduled.append(event)
        schedule(event, *args, **kwargs)

    env.schedule = spy  # type: ignore[method-assign]
    return scheduled


def test_start_runs_to_the_first_yield_inside_the_callers_step() -> None:
    env = simpy.Environment()
    log: list[tuple[str, float]] = []

    def body():
        log.append(("started", env.now))
        yield env.timeout(2.0)
        log.append(("woke", env.now))

    def creator():
        yield env.timeout(1.0)
        flow = Flow(env, body())
        assert log == []  # created, not started
        flow.start()
        assert log == [("started", 1.0)]
        assert env.active_process is not flow  # the creator is still the active process

    env.process(creator())
    env.run()
    assert log == [("started", 1.0), ("woke", 3.0)]


def test_an_unawaited_flow_schedules_no_event_at_its_end() -> None:
    env = simpy.Environment()

    def body():
        yield env.timeout(1.0)
        return 42

    flow = Flow(env, body())
    scheduled = _counting(env)
    flow.start()
    env.run()
    assert len(scheduled) == 1  # the timeout only: no Initialize, no end-of-process event
    assert flow.processed and flow.ok and flow.value == 42 and not flow.is_alive


def test_an_awaited_flow_ends_like_a_process() -> None:
    env = simpy.Environment()
    got: list[tuple[object, float]] = []

    def body():
        yield env.timeout(1.0)
        return "done"

    flow = Flow(env, body())
    flow.start()

    def waiter():
        got.append(((yield flow), env.now))
        got.append(((yield flow), env.now))  # already processed: goes on at once

    env.process(waiter())
    env.run()
    assert got == [("done", 1.0), ("done", 1.0)]


def test_a_failing_flow_fails_the_run() -> None:
    env = simpy.Environment()

    def body():
        yield env.timeout(1.0)
        raise ValueError("boom")

    Flow(env, body()).start()
    with pytest.raises(ValueError, match="boom"):
        env.run()


def test_a_failed_event_is_thrown_into_the_flow() -> None:
    env = simpy.Environment()
    caught: list[str] = []

    def body():
        bad = env.event()
        bad.fail(KeyError("k"))
        try:
            yield bad
        except KeyError as e:
            caught.append(str(e))

    Flow(env, body()).start()
    env.run()
    assert caught == ["'k'"]


class _SimpyProcess:
    """What the pipeline did before flows: a SimPy process made (and so scheduled) when the
    candidate arrives; ``start`` does nothing."""

    def __init__(self, env: simpy.Environment, generator) -> None:
        env.process(generator)

    def start(self) -> None:
        pass


@pytest.mark.parametrize("arrivals", ["poisson", "regular"])
def test_candidates_as_flows_give_the_tables_of_simpy_processes(monkeypatch, arrivals):
    """Same tables, event log included, as with one SimPy process per candidate; regular
    arrivals make candidates of different requisitions arrive at the same instants."""
    data = hs.preset("default").model_dump(mode="json")
    data["candidates"]["arrivals"] = arrivals
    scenario = hs.Scenario.model_validate(data)
    flows = hs.simulate(scenario, replications=3, seed=21)
    monkeypatch.setattr(hiresim.pipeline, "Flow", _SimpyProcess)
    processes = hs.simulate(scenario, replications=3, seed=21)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(flows, name), getattr(processes, name))
