"""Runs and exports of the world, made once per test session and shared.

:func:`cached_run` keeps runs in memory (a config is hashable); :func:`cached_export` writes an
export folder and its ``mapping.toml`` under a root directory (the session's temporary
directory, see ``tests/worlds/conftest.py``) and reuses it when asked again. :data:`STANDARD`
names the exports the tests of issues 21, 22 and 24 use.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tests.worlds.company import WorldRun, run_world
from tests.worlds.config import WorldConfig
from tests.worlds.export import mapping, write_export, write_mapping
from tests.worlds.truth import Truth, truth

#: Seeds: the one-year exports, and the held-out 4-year exports ("another seed").
SEED = 2025
HELD_OUT_SEED = 4711


@lru_cache(maxsize=24)
def cached_run(cfg: WorldConfig, seed: int, years: float) -> WorldRun:
    """:func:`~tests.worlds.company.run_world`, computed once per arguments."""
    return run_world(cfg, seed, years)


@dataclass(frozen=True)
class Export:
    """An export folder of the world, with what a test needs beside it."""

    folder: Path
    #: The mapping as a dict and as the path of its TOML file (both read the export).
    mapping: dict[str, Any]
    mapping_path: Path
    run: WorldRun
    truth: Truth
    jobs: bool
    interviewer_ids: bool


def cached_export(root: str | os.PathLike[str], cfg: WorldConfig, seed: int = SEED,
                  years: float = 1.0, *, jobs: bool = True,
                  interviewer_ids: bool = True) -> Export:
    """The export of ``cfg`` run with ``seed`` for ``years``, written under ``root`` once."""
    key = hashlib.sha256(repr((cfg, seed, years, jobs, interviewer_ids)).encode()).hexdigest()
    folder = Path(root) / f"{cfg.name}-{key[:16]}"
    run = cached_run(cfg, seed, years)
    if not (folder / "ats" / "export.json").exists():
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        write_export(run, partial / "ats", jobs=jobs, interviewer_ids=interviewer_ids)
        write_mapping(cfg, partial / "mapping.toml", interviewer_ids=interviewer_ids)
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    return Export(folder / "ats", mapping(cfg, interviewer_ids=interviewer_ids),
                  folder / "mapping.toml", run, truth(run), jobs, interviewer_ids)


#: The exports the tests use, by name: (config, seed, years, jobs, interviewer_ids).
STANDARD: dict[str, tuple[WorldConfig, int, float, bool, bool]] = {
    "1x": (WorldConfig(), SEED, 1.0, True, True),
    "5x": (WorldConfig().scaled(5), SEED, 1.0, True, True),
    "large": (WorldConfig.large(), SEED, 1.0, True, True),
    "medium": (WorldConfig.medium(), SEED, 1.0, True, True),
    "1x-no-jobs": (WorldConfig(), SEED, 1.0, False, True),
    "1x-no-interviewers": (WorldConfig(), SEED, 1.0, True, False),
    "1x-one-round": (WorldConfig().one_round(), SEED, 1.0, True, True),
    "1x-held-out": (WorldConfig(), HELD_OUT_SEED, 4.0, True, True),
    "5x-held-out": (WorldConfig().scaled(5), HELD_OUT_SEED, 4.0, True, True),
}


def session_root(tmp_path_factory: Any) -> Path:
    """The folder of world exports shared by a whole test session (``pytest``'s
    ``tmp_path_factory`` names the session's temporary directory)."""
    root = Path(tmp_path_factory.getbasetemp()) / "worlds"
    root.mkdir(parents=True, exist_ok=True)
    return root


def standard_export(root: str | os.PathLike[str], name: str) -> Export:
    """One of the :data:`STANDARD` exports, written under ``root`` once."""
    try:
        cfg, seed, years, jobs, ids = STANDARD[name]
    except KeyError:
        raise KeyError(f"unknown export {name!r}; the standard ones are "
                       f"{', '.join(STANDARD)}") from None
    return cached_export(root, cfg, seed, years, jobs=jobs, interviewer_ids=ids)
