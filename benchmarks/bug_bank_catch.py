"""How many of the kit's own single-bug mutants do the public checks catch, before the deadline?

    python benchmarks/bug_bank_catch.py [--exercise ex02_forward_pass ...] [--json]

Grades every mutant of the bug banks (``tests/bug_banks.py``: the kit's banks, read from the grading
tests, and the real learners' mistakes of ``tests/bank_real_mistakes.py``)
once with the public and hidden checks and reports, per mutant, whether it lost points in
its exercise under the public checks alone (the checks a learner runs with ``rnn-grade
check``), under public + hidden, and whether a failing public check's feedback names the
mistake (the bank's phrase). Prints the fraction caught and the mutants that only hidden
checks catch. Public outcomes are read from the same run: checks are independent, so a
public check fails or passes the same with or without the hidden ones beside it.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent))

from bug_banks import kit_mutants, real_mutants, submission_builder  # noqa: E402

from autograder.paths import SOLUTIONS  # noqa: E402
from autograder.runner.grade import Grader  # noqa: E402
from autograder.runner.reference import LiveReference  # noqa: E402


def judge(result, mutant):
    mine = [c for c in result.checks if c.exercise == mutant.exercise]
    public = [c for c in mine if not c.hidden]
    failing_public = [c for c in public if c.status != "passed"]
    return {"exercise": mutant.exercise, "mutant": mutant.name,
            "public": bool(failing_public),
            "any": any(c.status != "passed" for c in mine),
            "public_names_it": any(mutant.phrase in c.feedback for c in failing_public),
            "grader_errors": [c.name for c in result.checks if c.status == "grader_error"]}


def run(exercises=None):
    banks = [("kit", m) for m in kit_mutants()] + [("real", m) for m in real_mutants()]
    chosen = [(bank, m) for bank, m in banks if not exercises or m.exercise in exercises]
    reference, graders, rows = LiveReference(SOLUTIONS), {}, []
    try:
        with tempfile.TemporaryDirectory(prefix="rnn-grade-bugbank-") as tmp:
            for number, (bank, mutant) in enumerate(chosen):
                if mutant.exercise not in graders:
                    graders[mutant.exercise] = Grader(reference, include_hidden=True, exercises=[mutant.exercise])
                folder = mutant.build(submission_builder(Path(tmp) / str(number)))
                rows.append(dict(judge(graders[mutant.exercise].grade(folder), mutant), bank=bank))
    finally:
        for grader in graders.values():
            grader.close()
    return rows


def report(rows):
    lines = [f"{'exercise':<18} {'mutant':<52} public  +hidden  public hint names it"]
    for row in rows:
        lines.append(f"{row['exercise']:<18} {row['mutant'][:52]:<52} {'yes' if row['public'] else 'NO':<7} "
                     f"{'yes' if row['any'] else 'NO':<8} {'yes' if row['public_names_it'] else 'no'}")
    total = len(rows)
    public = sum(r["public"] for r in rows)
    caught = sum(r["any"] for r in rows)
    named = sum(r["public_names_it"] for r in rows)
    lines += ["", f"{total} mutants: public checks alone catch {public}/{total} ({public / total:.0%}); "
                  f"public + hidden catch {caught}/{total} ({caught / total:.0%}); "
                  f"a public hint names the mistake for {named}/{total}."]
    for bank, label in (("kit", "the kit's banks"), ("real", "real learners' mistakes")):
        mine = [r for r in rows if r.get("bank") == bank]
        if mine:
            lines.append(f"{label}: public checks catch {sum(r['public'] for r in mine)}/{len(mine)}, public + hidden "
                         f"{sum(r['any'] for r in mine)}/{len(mine)}, a public hint names "
                         f"{sum(r['public_names_it'] for r in mine)}/{len(mine)}")
    unnamed = [r for r in rows if not r["public_names_it"]]
    if unnamed:
        lines.append("Not named by a public hint: " + "; ".join(f"{r['exercise']}: {r['mutant']}" for r in unnamed))
    only_hidden = [r for r in rows if r["any"] and not r["public"]]
    if only_hidden:
        lines.append("Caught only by hidden checks: " + "; ".join(f"{r['exercise']}: {r['mutant']}"
                                                                  for r in only_hidden))
    missed = [r for r in rows if not r["any"]]
    if missed:
        lines.append("Caught by no check: " + "; ".join(f"{r['exercise']}: {r['mutant']}" for r in missed))
    errors = [r for r in rows if r["grader_errors"]]
    if errors:
        lines.append("GRADER ERRORS: " + "; ".join(f"{r['mutant']}: {r['grader_errors']}" for r in errors))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", action="append", help="only this exercise's mutants; repeatable")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    rows = run(args.exercise)
    print(json.dumps(rows, indent=2) if args.json else report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
