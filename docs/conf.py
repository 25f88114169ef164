"""Sphinx configuration of the hiresim documentation (MyST markdown, myst-nb, pydata theme).

Build: ``make docs`` (warnings are errors). The notebooks of ``notebooks/`` are copied into
``docs/notebooks/`` (generated, not committed) and rendered without being executed: ``make test``
executes them through nbmake.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

import hiresim  # noqa: E402

# -- Project -----------------------------------------------------------------------------------
project = "hiresim"
author = "hiresim developers"
copyright = "hiresim developers"
release = hiresim.__version__
version = release

# -- Notebooks: copy them in so the docs can link and render them -----------------------------
_NOTEBOOKS = DOCS / "notebooks"
if (ROOT / "notebooks").is_dir():
    _NOTEBOOKS.mkdir(exist_ok=True)
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        target = _NOTEBOOKS / nb.name
        if not target.exists() or target.read_bytes() != nb.read_bytes():
            shutil.copyfile(nb, target)

# -- General -----------------------------------------------------------------------------------
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints",
                    "gen_scenario_reference.py"]
nitpicky = False
suppress_warnings = [
    "myst.header",          # pages start at h1 and may skip a level in tables of fields
]

# myst / myst-nb
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "substitution"]
myst_heading_anchors = 3
nb_execution_mode = "off"   # notebooks run in `make test` (nbmake), not in the docs build
nb_merge_streams = True

# autodoc
# No "members" default: with one, Sphinx 9 ignores the member lists of the API page and
# documents every public name of each module.
autodoc_default_options = {"undoc-members": False, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_mock_imports: list[str] = []
napoleon_google_docstring = True
napoleon_numpy_docstring = True
napoleon_use_ivar = True

intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
# No network during the build: intersphinx stays empty and external type references are
# plain text.

# -- HTML --------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"hiresim {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path: list[str] = []
html_show_sourcelink = False
