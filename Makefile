# Quick start:  make chat   (set up .venv, index corpus/, open an interactive session)
#               make test   (unit + integration tests, then the evaluation suite)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup ingest chat ask test unit eval bench bench-scale clean help

help:
	@echo "make chat        set up, index corpus/ and ask questions interactively"
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

ingest: setup
	$(BIN)/opmodel ingest

chat: ingest
	$(BIN)/opmodel chat

ask: ingest
	$(BIN)/opmodel ask "$(or $(Q),Who pays for the practice phone system?)"

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

clean:
	rm -rf .opmodel eval/reports
