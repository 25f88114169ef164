# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean install docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/hiresim run --preset default -n 200 --seed 7

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q tests
	$(BIN)/python -m pytest -q --nbmake notebooks
	$(MAKE) docs

# The documentation (Sphinx + myst-nb + pydata theme); warnings are errors.
docs: $(STAMP)
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m mypy
	$(BIN)/ruff format --check .

# OLD_TREE=path/to/a/checkout times ablate against an older tree (issue 20's target)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(if $(OLD_TREE),--old-tree $(OLD_TREE))

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache docs/_build docs/notebooks
