"""Settings of ``rnn-grade batch`` read from a TOML file (``--config rnn-grade.toml``).

The keys are the command's long options, written with ``-`` or ``_``, at the top level
or in a ``[batch]`` table::

    scheduler = "tcp://10.0.0.5:8786"   # grade on this Dask cluster
    isolation = "bwrap"
    call-seconds = 20
    exercise = ["ex01_rnn_layer", "ex06_training"]

    [course]                              # deadlines and late policy (autograder/course/policy.py)
    deadline = 2026-03-01T23:59:00+01:00

An option given on the command line wins over the file.
"""
from ..intake import InstructorError

# option (argparse dest) -> (accepted Python types, what to say when the value has another type)
KEYS = {
    "scheduler": ((str,), "an address such as \"tcp://127.0.0.1:8786\""),
    "jobs": ((int,), "a whole number"),
    "isolation": ((str,), "\"auto\", \"bwrap\" or \"plain\""),
    "call_seconds": ((int, float), "a number of seconds"),
    "withhold_hidden": ((bool,), "true or false"),
    "resume": ((bool,), "true or false"),
    "exercise": ((list,), "a list of exercise module names"),
    "reviewed": ((str,), "the path of a reviewed-submissions file (autograder/batch/reviews.py)"),
    "allow": ((list,), "a list of dotted names the method rules allow, e.g. [\"scipy.special.expit\"]"),
    "arrivals": ((str,), "the path of a CSV of learner,timestamp"),
    "incremental": ((bool,), "true or false"),
    "similarity": ((bool,), "true or false"),
    # Deadlines, late policy and extensions: a table, read by autograder/course/policy.py.
    "course": ((dict,), "a table ([course]) of deadline, penalty-per-day, ... (see the README)"),
}


def read_config(path):
    """The file's settings as {dest: value}; a missing, unreadable or wrong file is an InstructorError."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise InstructorError("--config needs Python 3.11 or the tomli package (pip install tomli)") from None
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise InstructorError(f"cannot read the config file {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise InstructorError(f"the config file {path} is not valid TOML: {error}") from None
    data = dict(data.get("batch", {}), **{k: v for k, v in data.items() if k != "batch"})
    settings = {}
    for key, value in data.items():
        dest = key.replace("-", "_")
        if dest not in KEYS:
            raise InstructorError(f"the config file {path} has an unknown setting {key!r}; known: "
                                  f"{', '.join(k.replace('_', '-') for k in KEYS)}")
        types, wanted = KEYS[dest]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise InstructorError(f"the config file {path}: {key} must be {wanted}, not {value!r}")
        settings[dest] = value
    return settings


def apply_config(args, defaults):
    """Fill ``args`` from ``args.config`` wherever the command line left an option at its default."""
    if not getattr(args, "config", None):
        return args
    for dest, value in read_config(args.config).items():
        if getattr(args, dest, None) == defaults.get(dest):
            setattr(args, dest, value)
    return args
