# `make run`: set up and build data/processed from data/raw.  `make test`: set up and run every test.
# Both create their own virtual environment in .venv (re-installed when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test clean

run: $(VENV)/.installed-run
	$(BIN)/govstats build data/raw --out data/processed --corrections data/corrections.toml

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

clean:
	rm -rf $(VENV) data/processed/*.parquet data/processed/*.csv data/processed/*.md
