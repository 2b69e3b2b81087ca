"""Entry point of the learner's worker process (untrusted side of the pipe).

Started by ``autograder.runner.worker_process`` as
``python -I main.py --submission DIR --requests FD --responses FD``. It imports
torch once, then answers observation requests, one JSON line each, on its
own pipe pair (stdin/stdout belong to the learner's prints and ``input()``).

Nothing this process says is trusted: the grader parses the responses as
plain JSON data and compares them with the reference's.
"""
import argparse
import importlib
import json
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _import_worker_package():
    # Load this folder as the package ``rnn_grade_worker`` from its path, so
    # the kit's root (with solutions/ and the checks) never has to be on sys.path.
    spec = importlib.util.spec_from_file_location(
        "rnn_grade_worker", os.path.join(_HERE, "__init__.py"), submodule_search_locations=[_HERE])
    package = importlib.util.module_from_spec(spec)
    sys.modules["rnn_grade_worker"] = package
    spec.loader.exec_module(package)
    from rnn_grade_worker import observers, wire  # noqa: E402  (needs the package registered)
    return observers, wire


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--submission", required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--responses", type=int, required=True)
    args = parser.parse_args()

    submission = os.path.realpath(args.submission)
    kit_root = os.path.dirname(os.path.dirname(_HERE))
    # The submission's folder comes first, as CURRICULUM.md promises; the
    # script's own folder and the kit's root are not importable.
    sys.path[:] = [submission] + [p for p in sys.path[1:] if p and os.path.realpath(p) != kit_root]
    os.chdir(submission)

    observers, wire = _import_worker_package()
    import torch
    torch.set_num_threads(1)  # deterministic, and one core per learner in a batch

    requests = os.fdopen(args.requests, "r", encoding="utf-8")
    responses = os.fdopen(args.responses, "w", encoding="utf-8")

    def send(message):
        responses.write(wire.dumps(message) + "\n")
        responses.flush()

    send({"ready": True})
    for line in requests:
        request = json.loads(line)  # the grader's own message
        response = observers.run(request["observer"], request["config"], importlib.import_module,
                                 submission, notify=send, skip_imports=request.get("skip_imports"))
        response["id"] = request["id"]
        send(response)


if __name__ == "__main__":
    main()
