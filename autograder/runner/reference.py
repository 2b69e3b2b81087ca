"""The reference observations every learner is compared with.

``LiveReference`` runs the observers on ``solutions/`` inside the trusted
process and caches each answer, so a batch computes it once per grader process,
however many learners it grades. ``RecordedReference`` replays answers saved
by ``rnn-grade release`` for the public checks: a learner's bundle ships
without the solutions, yet grades with exactly the same comparisons.
"""
import importlib
import json
import sys
import threading
from pathlib import Path

from ..worker import observers, wire
from .errors import GraderError


def request_key(name, config):
    """A canonical text key for one observation request."""
    return json.dumps([name, config], sort_keys=True, separators=(",", ":"))


class LiveReference:
    """Observations of the reference solutions in ``solutions_dir``."""

    def __init__(self, solutions_dir):
        self.solutions_dir = str(Path(solutions_dir).resolve())
        self._cache = {}      # request key -> plain-data response (as it would cross the wire)
        self._lock = threading.Lock()

    def observe(self, name, config):
        key = request_key(name, config)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._compute(name, config)
        return _value_of(name, config, self._cache[key])

    def recorded(self):
        """Every answer computed so far, for ``RecordedReference``."""
        return dict(self._cache)

    def _compute(self, name, config):
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # the same arithmetic as the single-threaded worker
        try:
            response = observers.run(name, config, self._import, self.solutions_dir)
        finally:
            torch.set_num_threads(threads)
        # Round-trip through the wire format, so reference and learner values are alike.
        return json.loads(wire.dumps(response))

    def _import(self, module):
        # Reference modules import each other by bare name, as learners' do.
        if self.solutions_dir not in sys.path:
            sys.path.insert(0, self.solutions_dir)
        loaded = sys.modules.get(module)
        if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(self.solutions_dir):
            raise GraderError(f"a module named {module} from elsewhere is already imported")
        return importlib.import_module(module)


class RecordedReference:
    """Observations recorded earlier from the solutions (the learner bundle has no solutions)."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            self._answers = json.load(handle)

    def observe(self, name, config):
        key = request_key(name, config)
        if key not in self._answers:
            raise GraderError(f"no recorded reference answer for {name} {config}: rebuild the bundle "
                              f"with `rnn-grade release`")
        return _value_of(name, config, self._answers[key])


def save_recording(answers, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(answers, handle, sort_keys=True, separators=(",", ":"))


def _value_of(name, config, response):
    if "value" not in response:
        raise GraderError(f"the reference failed on {name} {config}: {response.get('error')}")
    return wire.decode(response["value"])
