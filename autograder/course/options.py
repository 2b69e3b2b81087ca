"""The course settings of ``rnn-grade batch`` (``--arrivals``, ``--incremental``, ``--similarity``, the config's
``[course]`` table), read and checked before anything is graded."""
from .arrival import read_arrivals
from .policy import policy_from_config


def course_options(args):
    """{policy, arrivals, incremental, similarity} for ``batch_hooks.install``; a wrong setting is an
    InstructorError."""
    table = getattr(args, "course", None)
    return {"policy": policy_from_config(table) if table is not None else None,
            "arrivals": read_arrivals(args.arrivals) if getattr(args, "arrivals", None) else None,
            "incremental": bool(getattr(args, "incremental", False)),
            "similarity": bool(getattr(args, "similarity", False))}
