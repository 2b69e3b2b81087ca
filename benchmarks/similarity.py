"""Similarity report on planted pairs: recall and false alarms. Prints figures; asserts nothing.

    python benchmarks/similarity.py

Per exercise, the independent solutions are the grading tests' correct styles (tests/test_ex0*_grading.py
STYLES) and the sample class (examples/class); each of them that is not the reference solution itself gets
a planted copy, disguised (renamed variables and parameters, definitions in reverse order, comments
replaced, re-laid out by ast.unparse). See tests/similarity_cases.py.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from similarity_cases import RELATED, SUBSTANTIAL, measure, own_tokens, planted_class  # noqa: E402

from autograder.course.similarity import given_code  # noqa: E402


def main():
    totals = dict.fromkeys(("independent", "planted", "substantial", "found", "found_substantial", "false"), 0)
    for module, f in measure().items():
        totals["independent"] += f["independent"]
        totals["planted"] += len(f["planted"])
        totals["substantial"] += len(f["substantial"])
        totals["found"] += len(f["found"])
        totals["found_substantial"] += len(f["found"] & f["substantial"])
        totals["false"] += len(f["false_alarms"])
        print(f"{module}: {f['independent']} independent, {len(f['planted'])} planted copies, found "
              f"{len(f['found'])} ({len(f['found'] & f['substantial'])}/{len(f['substantial'])} of those copying "
              f">= {SUBSTANTIAL} tokens of own code), false alarms {len(f['false_alarms'])}")
        sources, _ = planted_class(module)
        for a, b in f["missed"]:
            original = a if not a.startswith("copy of ") else b
            print(f"    missed: {original} ({own_tokens(sources[original], given_code(module))} tokens of own code)")
        for pair in f["related"]:
            print(f"    flagged, related by construction: {pair[0]} & {pair[1]}")
        for pair in f["false_alarms"]:
            print(f"    FALSE ALARM: {pair[0]} & {pair[1]}")
    print(f"all exercises: {totals['independent']} independent solutions; recall {totals['found']}/{totals['planted']} "
          f"of all planted copies, {totals['found_substantial']}/{totals['substantial']} of copies of >= {SUBSTANTIAL} "
          f"tokens of own code; false alarms {totals['false']} (pairs related by construction, flagged rightly: "
          f"{len(RELATED)} known)")


if __name__ == "__main__":
    main()
