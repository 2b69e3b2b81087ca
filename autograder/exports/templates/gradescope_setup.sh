#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (the zip is
# unpacked in /autograder/source). It installs the CPU build of torch and the grader in a
# virtual environment of their own, /autograder/venv: run_autograder grades with that Python,
# and the learners' workers run in exactly that environment too.
# AUTOGRADER_ROOT (default /autograder) and RNN_GRADE_BASE_PYTHON (default python3) let the
# kit's CI run it elsewhere.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
BASE="${RNN_GRADE_BASE_PYTHON:-python3}"
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1
# Only what the image lacks. bubblewrap gives each submission's worker a sandbox; without it
# (or where the container forbids namespaces) workers run as an unprivileged uid instead.
missing=()
command -v "$BASE" >/dev/null 2>&1 || missing+=(python3 python3-venv python3-pip)
command -v "$BASE" >/dev/null 2>&1 && ! "$BASE" -c "import ensurepip, venv" 2>/dev/null && missing+=(python3-venv)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
if [ "${#missing[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >/dev/null || echo "could not install ${missing[*]}"
fi
"$BASE" -m venv "$ROOT/venv"
PY="$ROOT/venv/bin/python"
# torch first, and its CPU build: PyPI's default torch wheel pulls gigabytes of CUDA libraries
# that grading never uses. Where PyTorch's CPU index cannot be reached, the same version from PyPI.
"$PY" -m pip install --quiet --retries 1 --timeout 30 --index-url https://download.pytorch.org/whl/cpu \
    "torch=={torch_version}" 2>/dev/null || "$PY" -m pip install --quiet "torch=={torch_version}"
"$PY" -m pip install --quiet "$ROOT/source/kit"
# The recorded answers and the hidden checks: readable by root only (learner code runs as another uid).
"$PY" -m autograder.exports.gradescope_run --root "$ROOT" --protect
# Fail the image build, not every submission, when this machine cannot grade.
"$ROOT/venv/bin/rnn-grade" doctor
