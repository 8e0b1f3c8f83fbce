# `make run`: set up, build data/processed from data/raw, write reports/figures, execute the notebooks
# into reports/notebooks.  `make test`: set up (with the test tools and Debian's Chromium for the
# browser test), build data/processed afresh, and run every test and every notebook.
# Both create their own virtual environment in .venv (re-installed when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

.PHONY: run test clean

run: $(VENV)/.installed-run
	$(BIN)/govstats build data/raw --out data/processed --corrections data/corrections.toml
	$(BIN)/govstats figures --data data/processed --out reports/figures
	mkdir -p reports/notebooks
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/papermill --cwd . -k python3 --log-level WARNING --no-progress-bar "$$nb" "reports/notebooks/$$(basename $$nb)" -p data_dir data/processed || exit 1; \
	done

test: $(VENV)/.installed-test /usr/bin/chromium
	$(BIN)/govstats build data/raw --out data/processed --corrections data/corrections.toml --quiet
	$(BIN)/python -m pytest --nbval-lax tests notebooks

$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[notebooks]"
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[notebooks,dev]"
	touch $@

# Debian's headless Chromium for the end-to-end notebook test (Playwright drives it by path), and a
# CJK font so its screenshot shows the Chinese (the charts themselves bring their own font)
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei

clean:
	rm -rf $(VENV) data/processed/[!.]* reports/notebooks reports/e2e
