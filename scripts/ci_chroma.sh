#!/usr/bin/env bash
# Run pytest against a real Chroma server: start `chroma run` on a free 127.0.0.1 port with a
# temporary data folder, wait for its heartbeat, run pytest with OPMODEL_TEST_CHROMA_URL
# pointing at it (the server-mode tests use it; the rest run as usual), then stop the server
# and delete its data, whatever pytest's result. Exit status: pytest's.
#
#   scripts/ci_chroma.sh                 only the server-mode tests (-m server)
#   scripts/ci_chroma.sh -q              the whole suite
#   scripts/ci_chroma.sh tests/test_server_mode.py -x
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
if [ "$#" -eq 0 ]; then set -- -q -m server; fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
exec "$PY" -m bench.local_chroma -- "$PY" -m pytest "$@"
