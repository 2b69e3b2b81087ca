"""Where the kit's parts live. Everything is found relative to this package."""
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
KIT_ROOT = PACKAGE.parent
SOLUTIONS = KIT_ROOT / "solutions"
EXERCISES = KIT_ROOT / "exercises"
CHECKS = PACKAGE / "checks"
PUBLIC_CHECKS = CHECKS / "public"
HIDDEN_CHECKS = CHECKS / "hidden"
WORKER_MAIN = PACKAGE / "worker" / "main.py"
# Recorded reference answers for the public checks; present only in a learner bundle.
RECORDED_REFERENCE = CHECKS / "public_reference.json"
# The sample class graded by `rnn-grade batch` with no SUBMISSIONS (built by autograder/batch/sample_class.py).
EXAMPLES = KIT_ROOT / "examples"
SAMPLE_CLASS = EXAMPLES / "class"
