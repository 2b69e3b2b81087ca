"""The reference observations every learner is compared with.

``LiveReference`` runs the observers on ``solutions/`` inside the trusted
process and caches each answer in memory. ``CachedReference`` adds a file on
disk keyed by everything the answers depend on (the solutions, the observer
code, torch's version), so a batch computes each answer once, not once per
learner or per parallel job, and the next batch not at all.
``RecordedReference`` replays answers saved by ``rnn-grade release`` for the
public checks: a learner's bundle ships without the solutions, yet grades
with exactly the same comparisons.
"""
import hashlib
import importlib
import json
import os
import sys
import tempfile
import threading
from pathlib import Path

from ..worker import observers, wire
from ..errors import GraderError
from ..paths import RECORDED_REFERENCE, SOLUTIONS


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


class ShippedReference(RecordedReference):
    """Answers computed by a batch's own process and sent to a cluster's worker (no shared files).

    A request the batch did not compute is answered from this machine's own solutions
    when it has them (an installed kit may not), through its cache.
    """

    def __init__(self, answers, solutions_dir=None):
        self._answers = dict(answers)
        have_solutions = solutions_dir is not None and Path(solutions_dir).is_dir()
        self._fallback = CachedReference(solutions_dir) if have_solutions else None

    def observe(self, name, config):
        if self._fallback is not None and request_key(name, config) not in self._answers:
            return self._fallback.observe(name, config)
        return super().observe(name, config)


class CachedReference:
    """Recorded answers from a cache file, computed live (and added) when missing."""

    def __init__(self, solutions_dir, cache_file=None):
        self.solutions_dir = Path(solutions_dir)
        self.cache_file = Path(cache_file) if cache_file else default_cache_file(self.solutions_dir)
        self._answers = None  # read at the first observation: a batch's jobs start before the file is full
        self._added = 0
        self._live = None

    def _load(self):
        self._answers = {}
        try:
            with open(self.cache_file, encoding="utf-8") as handle:
                loaded = json.load(handle)
            if isinstance(loaded, dict):
                self._answers = loaded
        except (OSError, ValueError):
            pass  # no cache yet, or a damaged one: answers are computed again

    def observe(self, name, config):
        if self._answers is None:
            self._load()
        key = request_key(name, config)
        if key not in self._answers:
            if self._live is None:
                self._live = LiveReference(self.solutions_dir)
            self._live.observe(name, config)
            self._answers[key] = self._live.recorded()[key]
            self._added += 1
        return _value_of(name, config, self._answers[key])

    def answers(self):
        """Every answer known (from the file and computed since), keyed like ``request_key``."""
        if self._answers is None:
            self._load()
        return dict(self._answers)

    def self_check(self, key):
        """The problems a complete self-check under ``key`` found earlier, or None if there was none."""
        try:
            with open(self._self_check_file(), encoding="utf-8") as handle:
                found = json.load(handle).get(key)
        except (OSError, ValueError, AttributeError):
            return None
        return found if isinstance(found, list) and all(isinstance(p, str) for p in found) else None

    def remember_self_check(self, key, problems):
        try:
            with open(self._self_check_file(), encoding="utf-8") as handle:
                known = json.load(handle)
        except (OSError, ValueError):
            known = {}
        known = known if isinstance(known, dict) else {}
        known[key] = list(problems)
        _save_if_possible(known, self._self_check_file())

    def _self_check_file(self):
        return self.cache_file.with_suffix(".self-check.json")

    def save(self):
        """Write the cache if anything was added (atomically: parallel jobs may read it)."""
        if not self._added or self._answers is None:
            return
        if _save_if_possible(self._answers, self.cache_file):
            self._added = 0


def _save_if_possible(data, path):
    """Write a cache file; a cache that cannot be written (read-only home, full disk) only costs time."""
    try:
        save_recording(data, path)
        return True
    except OSError as error:
        print(f"rnn-grade: the reference cache {path} could not be written ({error.strerror or error}); "
              f"answers are computed again next time (set RNN_GRADE_CACHE to a writable folder)",
              file=sys.stderr)
        return False


def default_cache_file(solutions_dir):
    """``$RNN_GRADE_CACHE`` (or ~/.cache/rnn-grade)/reference-<fingerprint>.json."""
    root = os.environ.get("RNN_GRADE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "rnn-grade")
    return Path(root) / f"reference-{fingerprint(solutions_dir)}.json"


def fingerprint(solutions_dir):
    """A digest of everything a reference answer depends on."""
    from importlib.metadata import PackageNotFoundError, version

    from ..paths import PACKAGE

    try:
        torch_version = version("torch")  # without importing torch: a cache hit should cost nothing
    except PackageNotFoundError:
        torch_version = "?"
    digest = hashlib.sha256(f"torch {torch_version}".encode())
    sources = sorted(Path(solutions_dir).glob("*.py")) + sorted((PACKAGE / "worker").rglob("*.py"))
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def checks_fingerprint(exercises):
    """A digest of the grader's code (checks, verdicts, observers) and the exercises graded:
    a self-check of the reference stays valid while none of them changes."""
    from ..paths import PACKAGE

    digest = hashlib.sha256(json.dumps(sorted(exercises or [])).encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def save_recording(answers, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=".tmp-", suffix=".json")
    with handle:
        json.dump(answers, handle, sort_keys=True, separators=(",", ":"))
    # A temporary file is private (0600); the recording is public data that every user of a shared
    # install (a lab machine, a bundle unpacked by an instructor) must read.
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, path)


def _value_of(name, config, response):
    if "value" not in response:
        raise GraderError(f"the reference failed on {name} {config}: {response.get('error')}")
    return wire.decode(response["value"])


def default_reference():
    """The reference of ``rnn-grade check``, a notebook's check cell and pytest on the checks: the recorded
    answers in a learner bundle; the solutions (through the disk cache) in the instructor's kit."""
    if RECORDED_REFERENCE.exists():
        return RecordedReference(RECORDED_REFERENCE)
    if SOLUTIONS.exists():
        return CachedReference(SOLUTIONS)
    raise SystemExit("rnn-grade: neither recorded reference answers nor solutions/ were found")
