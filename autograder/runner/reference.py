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
        problem = untrusted_file(self.cache_file)
        if problem:
            if problem != "missing":
                print(f"rnn-grade: WARNING: the reference cache {self.cache_file} is not used ({problem}); every "
                      f"reference answer is computed again", file=sys.stderr)
            return
        try:
            with open(self.cache_file, encoding="utf-8") as handle:
                loaded = json.load(handle)
            if isinstance(loaded, dict):
                self._answers = loaded
        except (OSError, ValueError, RecursionError):
            pass  # a damaged cache: answers are computed again

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
        """The problems a complete self-check under ``key`` found earlier, or None if there was none.

        The record holds the digest of the answers it checked: it counts only while the cache holds
        exactly those answers. A cache that changed since (a learner's code that could write it, a
        damaged disk) is dropped, loudly, and every answer is computed again, then checked again."""
        found = None
        if untrusted_file(self._self_check_file()) is None:
            try:
                with open(self._self_check_file(), encoding="utf-8") as handle:
                    found = json.load(handle).get(key)
            except (OSError, ValueError, AttributeError, RecursionError):
                found = None
        if not (isinstance(found, dict) and isinstance(found.get("problems"), list)
                and all(isinstance(p, str) for p in found["problems"])):
            self._answers = {}  # no check of these answers on record: all are computed here, then checked
            return None
        if found.get("answers") != answers_digest(self.answers(), key):
            print(f"rnn-grade: WARNING: the reference cache {self.cache_file} changed since the solutions were "
                  f"checked against it (its answers no longer match the digest recorded then): it is not used, "
                  f"every reference answer is computed again", file=sys.stderr)
            self._answers = {}
            return None
        return found["problems"]

    def remember_self_check(self, key, problems):
        known = {}
        if untrusted_file(self._self_check_file()) is None:
            try:
                with open(self._self_check_file(), encoding="utf-8") as handle:
                    known = json.load(handle)
            except (OSError, ValueError, RecursionError):
                known = {}
        known = known if isinstance(known, dict) else {}
        known[key] = {"problems": list(problems), "answers": answers_digest(self.answers(), key)}
        _save_if_possible(known, self._self_check_file())

    def _self_check_file(self):
        return self.cache_file.with_suffix(".self-check.json")

    def save(self):
        """Write the cache if anything was added (atomically: parallel jobs may read it)."""
        if not self._added or self._answers is None:
            return
        if _save_if_possible(self._answers, self.cache_file):
            self._added = 0


def answers_digest(answers, key):
    """A digest of every answer, bound to ``key`` (the checks, the kit and the exercises graded) and to the
    cache's own name (the solutions, the observers, torch's version)."""
    digest = hashlib.sha256(str(key).encode())
    digest.update(json.dumps(answers, sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()


def untrusted_file(path):
    """None when ``path`` may be trusted as the grader's own record, "missing", or why not.

    Only this user may have written it: the file and its folder belong to this user and no other
    user or group may write either (a learner's code runs as another uid, in every mode where it can)."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except OSError:
        return "missing"
    me = os.geteuid()
    for what, stat_result in (("the file", info), ("its folder", _lstat(path.parent))):
        if stat_result is None:
            return f"{what} cannot be read"
        if stat_result.st_uid != me:
            return f"{what} belongs to uid {stat_result.st_uid}, not to the grader's uid {me}"
        if stat_result.st_mode & 0o022:
            return f"{what} may be written by other users"
    import stat as stat_module
    if not stat_module.S_ISREG(info.st_mode):
        return "it is not a regular file"
    return None


def _lstat(path):
    try:
        return os.stat(path)  # the folder itself may be reached through a link (a home folder's)
    except OSError:
        return None


def forget_self_checks(cache_folder=None):
    """Remove every self-check record in the cache folder: learner code that could write there has run
    (it ran as the grader's own user), so the next batch checks its cache again before trusting it."""
    folder = Path(cache_folder) if cache_folder else cache_root()
    try:
        for record in folder.glob("reference-*.self-check.json"):
            record.unlink()
    except OSError:
        pass


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


def cache_root():
    """``$RNN_GRADE_CACHE``, or ~/.cache/rnn-grade: the grader's own folder (workers never get its path)."""
    return Path(os.environ.get("RNN_GRADE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "rnn-grade"))


def default_cache_file(solutions_dir):
    """``cache_root()``/reference-<fingerprint>.json."""
    return cache_root() / f"reference-{fingerprint(solutions_dir)}.json"


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
    path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
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
    # The kit's installation is incomplete: the grader's failure (exit 2 from the command line), not exit 1,
    # which says a learner's check did not pass.
    raise GraderError(f"neither recorded reference answers ({RECORDED_REFERENCE}) nor the solutions "
                      f"({SOLUTIONS}) were found: reinstall the kit or the bundle")
