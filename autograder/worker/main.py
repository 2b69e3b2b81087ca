"""Entry point of the learner-side processes (the untrusted side of the pipe), for both backends.

The Linux backends start ``python -s -P main.py --zygote --control FD [--worker-uid N] [--wipe-tmp]``,
possibly inside bubblewrap. That process, the *zygote*, imports torch and the
observers once and then forks fresh workers on request (``zygote.py``: one for
a learner's observations, one more for those that must run in a process of their
own); each worker answers observation requests, one JSON line each, on its own
pipe pair (stdout/stderr carry the learner's prints only), and names what it is
doing on its progress board (``board.py``).

The portable backend (``runner/portable.py``: Windows, macOS) starts ``python main.py --spawned``
with three pipes: one worker, no fork server (``spawned.py``).

Either way this script only loads its folder as the package ``rnn_grade_worker`` (one loader for
both) and hands over to it.

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


def _drop_kit_from_path():
    """Neither this folder nor the kit's root stays importable: the learner's folder is put first on
    sys.path by each worker, and the kit (checks, solutions) is never the worker's to import.
    Installed (not editable), the "kit root" is site-packages itself, which holds torch: it stays."""
    kit_root = os.path.realpath(os.path.dirname(os.path.dirname(_HERE)))
    if os.path.basename(kit_root) in ("site-packages", "dist-packages"):
        kit_root = None
    # (With -P, as the fork server is started, sys.path holds no script folder; the portable worker's
    # Python adds this one, which goes too.)
    sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) not in (os.path.realpath(_HERE), kit_root)]
    sys.dont_write_bytecode = True  # -I ignores PYTHONDONTWRITEBYTECODE


def main():
    parser = argparse.ArgumentParser()
    role = parser.add_mutually_exclusive_group(required=True)
    role.add_argument("--zygote", action="store_true", help="the fork server of the Linux backends")
    role.add_argument("--spawned", action="store_true",
                      help="one worker of the portable backend, its pipes on stdin/stdout/stderr")
    parser.add_argument("--control", type=int, help="the grader's control socket (--zygote)")
    parser.add_argument("--worker-uid", type=int, default=None,
                        help="run every forked worker as this unprivileged uid/gid (when started as root)")
    parser.add_argument("--no-warm-extras", action="store_true",
                        help="fork the first worker as soon as torch is in: one learner checking once "
                             "should not wait for what only a batch of learners amortises")
    parser.add_argument("--warm-plots", action="store_true",
                        help="import pyplot before the first worker: the learner's code imports matplotlib")
    parser.add_argument("--font-lists", default=None,
                        help="a folder of matplotlib font lists to copy into this process's cache first")
    parser.add_argument("--wipe-tmp", action="store_true",
                        help="/tmp is private to this sandbox: empty it after every learner")
    args = parser.parse_args()
    if args.zygote and args.control is None:
        parser.error("--zygote needs --control")

    _drop_kit_from_path()
    _import_worker_package()
    if args.spawned:
        from rnn_grade_worker import spawned  # noqa: E402  (needs the package registered)

        spawned.serve_one(warm_plots=args.warm_plots)
        return
    from rnn_grade_worker import zygote  # noqa: E402  (needs the package registered)
    zygote.serve_forever(args.control, wipe_tmp=args.wipe_tmp, worker_uid=args.worker_uid,
                         warm_extras=not args.no_warm_extras, warm_plots=args.warm_plots,
                         font_lists=args.font_lists)


if __name__ == "__main__":
    main()
