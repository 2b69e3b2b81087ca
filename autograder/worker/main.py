"""Entry point of the learner-side processes (the untrusted side of the pipe).

The grader starts ``python -s -P main.py --zygote --control FD [--worker-uid N] [--wipe-tmp]``,
possibly inside bubblewrap. That process, the *zygote*, imports torch and the
observers once and then forks fresh workers on request (``zygote.py``: one for
a learner's observations, one more for those that must run in a process of their
own); each worker answers observation requests, one JSON line each, on its own
pipe pair (stdout/stderr carry the learner's prints only), and names what it is
doing on its progress board (``board.py``).

Nothing these processes say is trusted: the grader parses the responses as
plain JSON data and compares them with the reference's.
"""
import argparse
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
    return package


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--zygote", action="store_true", required=True)
    parser.add_argument("--control", type=int, required=True, help="the grader's control socket")
    parser.add_argument("--worker-uid", type=int, default=None,
                        help="run every forked worker as this unprivileged uid/gid (when started as root)")
    parser.add_argument("--no-warm-extras", action="store_true",
                        help="fork the first worker as soon as torch is in: one learner checking once "
                             "should not wait for what only a batch of learners amortises")
    parser.add_argument("--wipe-tmp", action="store_true",
                        help="/tmp is private to this sandbox: empty it after every learner")
    args = parser.parse_args()

    # The interpreter's own folder and the kit's root are not importable; the
    # learner's folder is put first on sys.path by each forked worker.
    # Installed (not editable), the "kit root" is site-packages itself, which holds torch: it stays.
    kit_root = os.path.realpath(os.path.dirname(os.path.dirname(_HERE)))
    if os.path.basename(kit_root) in ("site-packages", "dist-packages"):
        kit_root = None
    sys.path[:] = [p for p in sys.path[1:] if p and os.path.realpath(p) != kit_root]
    sys.dont_write_bytecode = True  # -I ignores PYTHONDONTWRITEBYTECODE

    _import_worker_package()
    from rnn_grade_worker import zygote  # noqa: E402  (needs the package registered)
    zygote.serve_forever(args.control, wipe_tmp=args.wipe_tmp, worker_uid=args.worker_uid,
                         warm_extras=not args.no_warm_extras)


if __name__ == "__main__":
    main()
