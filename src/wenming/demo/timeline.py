"""When each step of a demo order happened: spread over the last 60 days, open orders recent
enough to be within their deadlines unless they are meant to be overdue."""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from wenming.core.workdays import add_workdays

H = timedelta(hours=1)
D = timedelta(days=1)

# the gap before each kind of step, in hours (low, high)
GAPS = {
    "dispatch": (0.3, 6), "decline": (1, 10), "accept": (0.5, 20), "complete": (12, 96),
    "rate": (2, 48), "cancel": (1, 30), "reject": (0.5, 8),
}
OPEN_FINALS = {"submitted": "submitted", "dispatched": "dispatched", "accepted": "accepted"}


def deadline_days(status: str) -> int | None:
    return settings.WENMING["ORDER_DEADLINE_DAYS"].get(status)


def _daytime(rng: random.Random, day) -> datetime:
    """A moment between 8:00 and 20:00 local time on `day`."""
    tz = timezone.get_current_timezone()
    return datetime.combine(day, time(8), tzinfo=tz) + timedelta(minutes=rng.randrange(12 * 60))


def overdue_since(status: str, level: int, now: datetime) -> datetime:
    """A morning on which entering `status` makes the order overdue by `level` periods now."""
    days = deadline_days(status) or 1
    today = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()
    for back in range(1, 60):
        start = datetime.combine(today - timedelta(days=back), time(10), tzinfo=tz)
        due = add_workdays(start, days)
        if due >= now:
            continue
        late_again = add_workdays(due, days) < now
        if (level >= 2) == late_again:
            return start
    raise RuntimeError("no date found for an overdue order")


def _awake(moments: list[datetime]) -> bool:
    return all(7 <= timezone.localtime(m).hour < 22 for m in moments)


def plan(rng: random.Random, steps: list[str], final: str, *, now: datetime, overdue: int = 0) -> list[datetime]:
    """One moment per step (the first is always the placing), increasing and before `now`.

    People act in the daytime: a few draws are tried until every step falls between 7:00
    and 22:00; a step of an order placed late at night is possible, just rare.
    """
    for _ in range(30):
        moments = _plan_once(rng, steps, final, now=now, overdue=overdue)
        if _awake(moments):
            break
    return moments


def _plan_once(rng: random.Random, steps: list[str], final: str, *, now: datetime, overdue: int) -> list[datetime]:
    offsets = [timedelta(0)]
    for step in steps[1:]:
        low, high = GAPS[step]
        offsets.append(offsets[-1] + rng.uniform(low, high) * H)
    if overdue:
        last = overdue_since(OPEN_FINALS[final], overdue, now) + rng.uniform(-1.5, 1.5) * H
    elif final in ("submitted", "dispatched"):
        last = now - rng.uniform(0.1, 5) * H
    elif final == "accepted":
        last = now - rng.uniform(2, 60) * H
    elif final == "completed":
        # still waiting for the citizen: inside the auto-rate window
        window = settings.WENMING["ORDER_AUTO_RATE_DAYS"]
        last = now - rng.uniform(3, max(4, (window - 1.5) * 24)) * H
    else:
        start = _daytime(rng, (timezone.localtime(now) - rng.uniform(1, 60) * D).date())
        moments = [start + o for o in offsets]
        ceiling = now - 10 * timedelta(minutes=1)
        if moments[-1] > ceiling:
            shift = moments[-1] - ceiling
            moments = [m - shift for m in moments]
        return moments
    return [last - (offsets[-1] - o) for o in offsets]


def auto_rate_plan(rng: random.Random, steps: list[str], *, now: datetime) -> list[datetime]:
    """Completed long enough ago that the default rating applies; the last step is the auto-rating."""
    window = settings.WENMING["ORDER_AUTO_RATE_DAYS"]
    offsets = [timedelta(0)]
    for step in steps[1:-1]:
        low, high = GAPS[step]
        offsets.append(offsets[-1] + rng.uniform(low, high) * H)
    for _ in range(30):
        completed = now - (window + rng.uniform(1, 40)) * D
        moments = [completed - (offsets[-1] - o) for o in offsets]
        if _awake(moments):
            break
    # the job that rates by default runs around the clock
    return moments + [completed + window * D + rng.uniform(0.1, 1) * H]
