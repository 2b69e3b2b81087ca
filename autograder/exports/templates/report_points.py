"""Report rnn-grade's points to GitHub Classroom (written by `rnn-grade export classroom`).

Reads the results document of `rnn-grade check --json` (Gradescope's schema),
prints every check with its points and the total, and, inside GitHub Actions,
writes the step output `result`: the same results in the format of GitHub
Classroom's grading reporter (base64 JSON: max_score and one test per check,
each with its score), which adds them up and shows the points on every push.
Standard library only: it runs before anything else is imported.
"""
import base64
import json
import os
import sys


def classroom_results(document):
    """The grading reporter's document for an `rnn-grade check --json` document."""
    tests = []
    for test in document.get("tests", []):
        passed = test["score"] >= test["max_score"]
        tests.append({"name": test["name"], "status": "pass" if passed else "fail", "score": test["score"],
                      "max_score": test["max_score"], "message": "" if passed else test.get("output", ""),
                      "line_no": 0, "test_code": f"rnn-grade check --exercise {test['name'].split('.')[0]}"})
    max_score = sum(test["max_score"] for test in tests)
    status = "pass" if tests and all(t["status"] == "pass" for t in tests) else "fail"
    return {"version": 1, "status": status if tests else "error", "max_score": max_score, "tests": tests}


def main(path):
    with open(path, encoding="utf-8") as handle:
        results = classroom_results(json.load(handle))
    for test in results["tests"]:
        mark = "ok " if test["status"] == "pass" else "XX "
        print(f"{mark}{test['name']}: {test['score']:g}/{test['max_score']:g}")
    total = sum(test["score"] for test in results["tests"])
    print(f"Points {total:g}/{results['max_score']:g}")
    encoded = base64.b64encode(json.dumps(results).encode("utf-8")).decode("ascii")
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
            output.write(f"result={encoded}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
