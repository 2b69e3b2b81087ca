"""Deadlines and late penalties, from the ``[course]`` table of the batch config (TOML)::

    [course]
    deadline = 2026-03-01T23:59:00+01:00   # a TOML time or an ISO string; a zone is required
    grace-days = 1                         # this many days after the deadline cost nothing
    penalty-per-day = 10                   # percent of the points per started day late (after grace)
    penalty-cap = 50                       # at most this many percent
    cutoff = 2026-03-08T23:59:00+01:00     # after it a submission counts 0 (optional)
    keep = "best"                          # "best": the highest final grade; "last": the last on time
    zip-time-zone = "Europe/Paris"         # zone of zip entry dates (default: this machine's)

    [course.extensions]                    # per learner (name as handed in): a new deadline or extra days
    "Zoë O'Brien" = 2026-03-04T23:59:00+01:00
    bob = 3

An extension moves the learner's cut-off by as much as their deadline. A submission whose arrival
time is unknown counts as on time (the learner is never penalised for what the grader cannot tell)
and the gradebook's ``arrival`` cell says ``unknown``.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..batch.intake import InstructorError
from .arrival import parse_time

KEEP = ("best", "last")
_KEYS = {"deadline", "grace-days", "penalty-per-day", "penalty-cap", "cutoff", "keep", "extensions",
         "zip-time-zone"}


@dataclass
class LatePolicy:
    deadline: datetime = None
    grace_days: float = 0
    penalty_per_day: float = 0        # percent
    penalty_cap: float = 100          # percent
    cutoff: datetime = None
    keep: str = "best"
    extensions: dict = field(default_factory=dict)   # learner -> aware datetime (their own deadline)
    zip_zone: object = None

    def deadline_of(self, learner):
        return self.extensions.get(learner, self.deadline)

    def cutoff_of(self, learner):
        if self.cutoff is None or self.deadline is None:
            return self.cutoff
        return self.cutoff + (self.deadline_of(learner) - self.deadline)

    def days_late(self, learner, arrival):
        """Started days after the learner's deadline plus grace (0 when on time or when unknown)."""
        deadline = self.deadline_of(learner)
        if deadline is None or arrival is None:
            return 0
        late = arrival - (deadline + timedelta(days=self.grace_days))
        return max(0, math.ceil(late / timedelta(days=1)))

    def penalty_percent(self, learner, arrival):
        """Percent of the raw points taken away: 0 on time, per started day capped, 100 after the cut-off."""
        cutoff = self.cutoff_of(learner)
        if cutoff is not None and arrival is not None and arrival > cutoff:
            return 100.0
        return float(min(self.penalty_cap, self.penalty_per_day * self.days_late(learner, arrival)))

    def on_time(self, learner, arrival):
        return self.days_late(learner, arrival) == 0 and self.penalty_percent(learner, arrival) == 0

    def choose(self, learner, entries):
        """The entry (a dict with ``arrival`` and ``raw``) that counts for ``learner``.

        ``best``: the highest final grade (late ones with their penalty), the later one on a tie.
        ``last``: the last submission on time; when none was on time, the best late one.
        """
        if not entries:
            return None
        ordered = sorted(entries, key=lambda e: (e["arrival"] is not None, e["arrival"] or datetime.min,
                                                 e.get("recorded", "")))
        if self.keep == "last":
            on_time = [e for e in ordered if self.on_time(learner, e["arrival"])]
            if on_time:
                return on_time[-1]
        return max(reversed(ordered), key=lambda e: self.final(learner, e)[2])

    def final(self, learner, entry):
        """(raw, penalty points, final) of one entry."""
        raw = entry["raw"]
        penalty = round(raw * self.penalty_percent(learner, entry["arrival"]) / 100, 4)
        return raw, penalty, round(raw - penalty, 4)


def policy_from_config(table, where="the [course] table"):
    """A LatePolicy from the config's ``[course]`` table; a wrong value is an InstructorError."""
    if not isinstance(table, dict):
        raise InstructorError(f"{where} must be a table")
    unknown = [k for k in table if k.replace("_", "-") not in _KEYS]
    if unknown:
        raise InstructorError(f"{where} has an unknown setting {unknown[0]!r}; known: {', '.join(sorted(_KEYS))}")
    get = {k.replace("_", "-"): v for k, v in table.items()}.get
    policy = LatePolicy()
    if get("zip-time-zone") is not None:
        policy.zip_zone = _zone(get("zip-time-zone"), where)
    if get("deadline") is not None:
        policy.deadline = parse_time(get("deadline"), f"{where}: deadline")
    if get("cutoff") is not None:
        policy.cutoff = parse_time(get("cutoff"), f"{where}: cutoff")
    for key, attr, low, high in (("grace-days", "grace_days", 0, None), ("penalty-per-day", "penalty_per_day", 0, 100),
                                 ("penalty-cap", "penalty_cap", 0, 100)):
        value = get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or \
                (high is not None and value > high):
            raise InstructorError(f"{where}: {key} must be a number from {low}" +
                                  (f" to {high}" if high is not None else " up") + f", not {value!r}")
        setattr(policy, attr, value)
    keep = get("keep", "best")
    if keep not in KEEP:
        raise InstructorError(f"{where}: keep must be \"best\" or \"last\", not {keep!r}")
    policy.keep = keep
    extensions = get("extensions", {})
    if not isinstance(extensions, dict):
        raise InstructorError(f"{where}: extensions must be a table of learner = new deadline or extra days")
    for learner, value in extensions.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if policy.deadline is None:
                raise InstructorError(f"{where}: an extension in days ({learner!r}) needs a deadline")
            policy.extensions[learner] = policy.deadline + timedelta(days=value)
        else:
            policy.extensions[learner] = parse_time(value, f"{where}: the extension of {learner!r}")
    if (policy.cutoff is not None) and policy.deadline is not None and policy.cutoff < policy.deadline:
        raise InstructorError(f"{where}: the cutoff is before the deadline")
    return policy


def _zone(name, where):
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(str(name))
    except Exception:
        raise InstructorError(f"{where}: zip-time-zone {name!r} is not a known time zone (e.g. \"Europe/Paris\")") \
            from None
