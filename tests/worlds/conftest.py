"""Fixtures: the world's exports, written once per test session and shared by every test.

``world_export("5x")`` returns the :class:`~tests.worlds.cache.Export` of one of the
:data:`~tests.worlds.cache.STANDARD` exports (folder, mapping dict and TOML file, the run and
its truth); ``world_root`` is the folder they are written to. A test outside
``tests/worlds/`` gets the same files with
``standard_export(session_root(tmp_path_factory), name)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.worlds.cache import Export, session_root, standard_export


@pytest.fixture(scope="session")
def world_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's folder of world exports."""
    return session_root(tmp_path_factory)


@pytest.fixture(scope="session")
def world_export(world_root: Path) -> Callable[[str], Export]:
    """``world_export(name)``: a standard export, written on first use."""

    def get(name: str) -> Export:
        return standard_export(world_root, name)

    return get
