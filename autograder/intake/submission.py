"""What one learner handed in, as the grader will stage it: ``Submission``.

Every front end (``rnn-grade check``, ``batch``, Gradescope's ``run_autograder``,
``nbgrader-grade``, Dask workers) makes one with the intake and hands it to
``Grader.grade``, which writes its bytes once into the worker's private copy.
"""
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..exercises import MODULES

MODULE_FILES = {f"{name}.py": name for name in MODULES}
# What may become a file name in a staged copy: a plain module file name (no folders, no dots but ".py").
STAGEABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.py")
MAX_SEEN = 200   # file names kept for "Files found: ..." messages


class InstructorError(Exception):
    """A problem with what the instructor asked for (a bad path, a layout not recognised), not with a learner."""


# `import matplotlib`, `from matplotlib import pyplot`, `import numpy as np, seaborn`, at any
# indentation (inside plot_weights, as the skeleton suggests); not a comment naming plt.subplots.
PLOTTING_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+[^\n#]*\b(?:matplotlib|seaborn|pylab)\b", re.MULTILINE)


@dataclass
class Submission:
    """One learner as found: their modules (file name -> bytes), what intake noticed, who they are."""
    name: str                                     # the folder id: file-system safe, unique in the class
    origin: str                                   # where it came from, for messages
    files: dict = field(default_factory=dict)     # "ex01_rnn_layer.py" (and helpers "rnn_helpers.py") -> bytes
    notes: list = field(default_factory=list)     # plain sentences for the learner and instructor
    label: str = ""                               # the name as handed in ("Zoë O'Brien (2)"), what people read
    platform_id: str = ""                         # the learner's id on the platform (Canvas user id, ...)
    platform: str = ""                            # which platform's layout it came in ("canvas", "moodle", ...)
    arrived: str = ""                             # ISO 8601 time the platform says it was handed in, where known
    seen: list = field(default_factory=list)      # the files found (paths as handed in), for messages

    def content_hash(self):
        """A hash of exactly what the learner's code will be: file names, bytes and intake notes. (Not the
        other files seen: the same work delivered as a folder or inside a class zip is the same submission.)"""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        for note in self.notes:
            digest.update(b"note\0" + note.encode())
        return digest.hexdigest()

    def imports_plotting(self):
        """Whether a line of the learner's modules imports matplotlib (or seaborn, or pylab): then every
        worker of theirs will import pyplot, which the grader has imported once ahead of them
        (``warm_plots``). Read from the text as a hint for speed only: a miss or a false find costs half
        a second, never a point."""
        return any(PLOTTING_IMPORT.search(data) for data in self.files.values())

    def write_into(self, folder):
        """Write the module files into the existing ``folder`` (readable by the worker, written by nobody else)."""
        folder = Path(folder)
        for name, data in sorted(self.files.items()):
            if not STAGEABLE.fullmatch(name):  # only names intake chose ever become paths
                raise ValueError(f"not a module file name: {name!r}")
            path = folder / name
            path.write_bytes(data)
            os.chmod(path, 0o644)
        return folder

    def write_copy(self, folder):
        """Write the module files into ``folder`` (created here, private to the grader)."""
        folder = Path(folder)
        folder.mkdir(mode=0o700, parents=True)
        return self.write_into(folder)

    @property
    def helpers(self):
        """The helper modules' file names (regular .py files beside the exercises)."""
        return sorted(name for name in self.files if name not in MODULE_FILES)
