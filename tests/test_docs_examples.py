"""Every ```python example in docs/ runs.

Each page's blocks run in order in one namespace (later blocks use names from earlier ones), in
a fresh working directory. To keep the suite quick the examples are run small: every
``replications=N`` becomes ``replications=3`` and every ``workers=N`` becomes ``workers=None``;
otherwise the code is run exactly as printed, with ``__name__ == "__main__"``.

Files the examples read: a block of any language whose first line is ``# file: NAME`` is
written to ``NAME`` (without that line) before the page's Python runs; ``my_company.toml`` and
``overrides.csv`` are provided otherwise (the tutorial has the reader write their own). Blocks
that need a cluster or a package hiresim does not install are skipped, with the reason below.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.S | re.M)
FILE_LINE = re.compile(r"^#\s*file:\s*(\S+)\s*\n")

#: Blocks containing one of these need something the test machine does not have.
NEEDS = {
    "tcp://": "a running Dask scheduler",
    "SLURMCluster": "a SLURM cluster (dask-jobqueue)",
    "import ray": "Ray",
    "RayExecutor(": "Ray",
}
OPTIONAL_MODULES = ("pm4py",)


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts
                  and "notebooks" not in p.parts)


def _python_blocks(text: str) -> list[str]:
    return [body for lang, body in FENCE.findall(text) if lang.strip() in ("python", "py")]


def _file_blocks(text: str) -> dict[str, str]:
    files = {}
    for _, body in FENCE.findall(text):
        m = FILE_LINE.match(body)
        if m:
            files[m.group(1)] = body[m.end():]
    return files


# 3, not 2: with 2 replications a percentile interval of ablate() can exclude its own estimate,
# and plotting.plot_ablation then fails on negative error-bar lengths (a known plotting bug).
def _small(code: str) -> str:
    code = re.sub(r"\breplications=[\d_]+", "replications=3", code)
    return re.sub(r"\bworkers=\d+", "workers=None", code)


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def _skip_reason(code: str) -> str | None:
    for needle, what in NEEDS.items():
        if needle in code:
            return what
    for module in OPTIONAL_MODULES:
        if re.search(rf"^\s*(import|from)\s+{module}\b", code, re.M) and \
                not _importable(module):
            return f"{module} (optional) is not installed"
    return None


PAGES = [p for p in _pages() if _python_blocks(p.read_text(encoding="utf-8"))]


def test_pages_with_examples_are_found():
    names = {p.name for p in PAGES}
    assert {"index.md", "write-a-scenario.md", "report-for-hr.md",
            "export-for-process-mining.md", "calibrate-by-hand.md"} <= names


#: Pages whose examples fit or simulate for a minute or more (marked ``slow``).
SLOW_PAGES = ("tutorials/calibrate-to-your-company.md", "how-to/add-a-mechanism.md")


@pytest.mark.parametrize("page", [
    pytest.param(p, id=str(p.relative_to(DOCS)),
                 marks=[pytest.mark.slow] if str(p.relative_to(DOCS)) in SLOW_PAGES else [])
    for p in PAGES])
def test_examples_run(page, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import hiresim as hs

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_company.toml").write_text(
        (Path(hs.__file__).parent / "scenario" / "presets" / "default.toml").read_text(
            encoding="utf-8"))
    (tmp_path / "overrides.csv").write_text("roles.recruiter.count\n3\n5\n")
    text = page.read_text(encoding="utf-8")
    for name, body in _file_blocks(text).items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    namespace: dict = {"__name__": "__main__"}
    skipped = []
    executed = 0
    try:
        for i, block in enumerate(_python_blocks(text)):
            reason = _skip_reason(block)
            if reason:
                skipped.append(reason)
                continue
            code = compile(_small(block), f"{page.relative_to(DOCS)} [python block {i + 1}]",
                           "exec")
            exec(code, namespace)
            executed += 1
    finally:
        plt.close("all")
    assert executed + len(skipped) == len(_python_blocks(text)) > 0
    if skipped and len(skipped) == len(_python_blocks(text)):
        pytest.skip("every example needs: " + ", ".join(sorted(set(skipped))))
