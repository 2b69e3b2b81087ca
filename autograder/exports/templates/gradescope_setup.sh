#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image
# (the zip is unpacked in /autograder/source). It installs the CPU build of
# torch and the grader in a virtual environment of their own.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip
# bubblewrap gives each submission's worker a sandbox; the grader runs without it, less isolated.
apt-get install -y -qq bubblewrap || echo "bubblewrap could not be installed"
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet --upgrade pip
/autograder/venv/bin/python -m pip install --quiet torch=={torch_version} --index-url https://download.pytorch.org/whl/cpu
/autograder/venv/bin/python -m pip install --quiet /autograder/source/kit
