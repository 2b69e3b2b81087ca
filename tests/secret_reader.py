"""A learner program that tries to read what only the grader may read (the Gradescope zip's recorded
answers and hidden checks, any installed copy of the grader): correct ex02 code that raises, naming what
it read, as soon as anything secret was readable. Used by tests/test_environments.py and .ci/field_test.py."""
from pathlib import Path

from autograder.paths import SOLUTIONS

PROBE = '''
def _secrets_read():
    import glob, os, site, sys
    paths = {paths!r}
    for folder in list(site.getsitepackages()) + sys.path:
        paths += [os.path.join(folder, "autograder", "checks", "hidden")]
    read = []
    for path in paths:
        try:
            if os.path.isdir(path):
                names = [n for n in os.listdir(path) if n.endswith(".py")]
                for name in names:
                    with open(os.path.join(path, name)) as handle:
                        handle.read(1)
                if names:
                    read.append(path)
            else:
                with open(path) as handle:
                    if handle.read(1):
                        read.append(path)
        except OSError:
            pass
    return read


_LEAKED = _secrets_read()


'''


def secret_reader_source(secret_paths, module="ex02_forward_pass"):
    """The solution's ``module`` with a probe of ``secret_paths``; every function raises if one was readable."""
    text = (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")
    probe = PROBE.format(paths=[str(p) for p in secret_paths])
    guard = "    if _LEAKED:\n        raise RuntimeError(f\"LEAKED: {_LEAKED}\")\n"
    lines, out = text.splitlines(keepends=True), []
    inserted = False
    for number, line in enumerate(lines):
        if not inserted and line.startswith("def "):
            out.append(probe)
            inserted = True
        out.append(line)
        if line.startswith("def ") and line.rstrip().endswith(":"):
            # after the signature (and its docstring, if any, is fine to precede: insert right away)
            out.append(guard)
    return "".join(out)


def write_secret_reader(folder, secret_paths):
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = Path(folder) / "ex02_forward_pass.py"
    path.write_text(secret_reader_source(secret_paths), encoding="utf-8")
    return path
