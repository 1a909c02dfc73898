"""The demand rates of a scope and period for the dashboard, from the summary tables.

The rule is the demands app's (`demands.rates.count_rows` → `rates_from_counts`); this module
only adds up its stored counts (whole months; a district's edge days) instead of reading
every demand of the period. Counted live instead: the days after the summary (today), the
edge days below a district, the days (district) or months (below it) whose demands changed
since the last refresh (`RecountDay`), and `open_overdue`, which depends on the clock.
"""

import datetime as dt
from collections import defaultdict

from wenming.dashboard import summary
from wenming.dashboard.summary import RATE_COUNTS, RATE_LEVELS, _local_midnight
from wenming.demands.models import RecountDay


def _empty() -> dict:
    return {**{k: 0 for k in RATE_COUNTS}, RATE_LEVELS: defaultdict(int)}


def _add(total: dict, counts: dict, sign: int = 1) -> None:
    for k in RATE_COUNTS:
        total[k] += sign * counts[k]
    for level, n in counts[RATE_LEVELS].items():
        total[RATE_LEVELS][level] += sign * n


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as [start, end) ranges."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day:
            runs[-1][1] = day + dt.timedelta(days=1)
        else:
            runs.append([day, day + dt.timedelta(days=1)])
    return [(s, e) for s, e in runs]


class _Unit:
    """A place (the demands under a node path) or a department (the demands it leads and the
    assignments it was sent, which is how demands.rates.unit_rates counts a department)."""

    def __init__(self, prefix: str, department_id: int | None):
        self.department_id = department_id
        self.family = "dd" if department_id else "dr"
        self.path = f"/{prefix.split('/')[1]}/" if department_id else prefix
        self.dim = str(department_id) if department_id else ""
        self.codes = [f"{self.family}:{k}" for k in RATE_COUNTS]
        self.level_code = f"{self.family}:{RATE_LEVELS}"
        self.days_kept = summary.keeps_days(self.path, self.codes)

    @property
    def node_path(self) -> str | None:
        return None if self.department_id else self.path

    def rows(self, start: dt.date, end: dt.date):
        from wenming.demands import rates
        s, e = _local_midnight(start), _local_midnight(end)
        assignments = rates._assignment_rows(s, e, node_path=self.node_path, department_id=self.department_id)
        return rates._demand_rows(s, e, node_path=self.node_path, lead_department_id=self.department_id), assignments

    def open_overdue(self, start: dt.date, end: dt.date, as_of) -> int:
        from wenming.demands import rates
        return rates.open_overdue_count(_local_midnight(start), _local_midnight(end), as_of=as_of,
                                        node_path=self.node_path, department_id=self.department_id)

    def live(self, start: dt.date, end: dt.date, as_of) -> dict:
        from wenming.demands import rates

        # the headline and the trend of one view ask for the same edge days
        cache = summary.view_cache("demand_rates")
        key = (self.family, self.path, self.dim, start, end, as_of)
        if cache is not None and key in cache:
            return cache[key]
        counts = rates.count_rows(*self.rows(start, end), as_of=as_of)
        if cache is not None:
            cache[key] = counts
        return counts

    def stored(self, kind: str, start: dt.date, end: dt.date) -> dict:
        total = _empty()
        for metric, _, value in summary.stat_rows(kind, self.codes, self.path, start, end, dim=self.dim):
            total[metric.split(":", 1)[1]] += int(value)
        levels = summary.stat_rows(kind, [self.level_code], self.path, start, end, by="dim",
                                   dim=f"{self.dim}:" if self.dim else None)
        for _, dim, n in levels:
            total[RATE_LEVELS][int(dim.rsplit(":", 1)[-1])] += int(n)
        return total

    def counts(self, start: dt.date, end: dt.date, *, as_of, use_summary: bool, dirty: set[dt.date]) -> dict:
        """The stored counts where the summary has them and they are still true; live elsewhere."""
        total = _empty()
        for kind, s, e in summary.plan(start, end, days=self.days_kept, use_summary=use_summary):
            if kind == "live":
                _add(total, self.live(s, e, as_of))
                continue
            if kind == "month":
                # a month with a changed day: from the daily rows (district) or live (below it)
                for m, m_end, changed in _months(s, e, dirty):
                    if not changed:
                        _add(total, self.stored("month", m, m_end))
                    elif self.days_kept:
                        _add(total, self._days(m, m_end, as_of, dirty))
                    else:
                        _add(total, self.live(m, m_end, as_of))
            else:
                _add(total, self._days(s, e, as_of, dirty))
        return total

    def _days(self, start, end, as_of, dirty) -> dict:
        total = self.stored("day", start, end)
        for s, e in _runs([d for d in dirty if start <= d < end]):
            _add(total, self.stored("day", s, e), -1)
            _add(total, self.live(s, e, as_of))
        return total


def _months(start: dt.date, end: dt.date, dirty: set[dt.date]):
    """Runs of whole months in [start, end): (first day, day after, any dirty day in it)."""
    runs: list[list] = []
    m = start
    while m < end:
        m_end = summary.next_month(m)
        changed = any(m <= d < m_end for d in dirty)
        if runs and not changed and not runs[-1][2]:
            runs[-1][1] = m_end
        else:
            runs.append([m, m_end, changed])
        m = m_end
    return [tuple(r) for r in runs]


def _dirty(prefix: str, start: dt.date, end: dt.date) -> set[dt.date]:
    return set(RecountDay.objects.filter(district_id=summary._district_id(prefix), date__gte=start, date__lt=end)
               .values_list("date", flat=True))


def demand_rates(prefix: str, start: dt.date, end: dt.date, *, department_id: int | None = None,
                 use_summary: bool = True, as_of=None) -> dict:
    """The seven rates and their counts for the demands under `prefix` (or of a department of
    the district of `prefix`) collected in [start, end): the same as demands.rates.unit_rates."""
    from wenming.demands import rates
    from wenming.demands.models import SatisfactionLevel

    as_of = as_of or summary.now()
    unit = _Unit(prefix, department_id)
    dirty = _dirty(prefix, start, end) if use_summary else set()
    total = unit.counts(start, end, as_of=as_of, use_summary=use_summary, dirty=dirty)
    counts = {k: total[k] for k in RATE_COUNTS}
    counts["open_overdue"] = unit.open_overdue(start, end, as_of)
    levels = {level: n for level, n in total[RATE_LEVELS].items() if n}
    weights = dict(SatisfactionLevel.objects.filter(pk__in=levels).values_list("pk", "weight"))
    counts[RATE_LEVELS] = levels
    counts["satisfaction_points"] = float(rates.points_of(levels, weights))
    return rates.rates_from_counts(counts)


def monthly_counts(prefix: str, first: dt.date, stop: dt.date, *, department_id: int | None = None,
                   keys: list[str], use_summary: bool = True) -> dict[str, dict[dt.date, int]]:
    """{count key: {first day of month: n}} for the months [first, stop)."""
    as_of = summary.now()
    unit = _Unit(prefix, department_id)
    dirty = _dirty(prefix, first, stop) if use_summary else set()
    out: dict[str, dict] = {k: {} for k in keys}
    m = first
    while m < stop:
        m_end = min(stop, summary.next_month(m))
        counts = unit.counts(m, m_end, as_of=as_of, use_summary=use_summary, dirty=dirty)
        for k in keys:
            out[k][m] = counts[k]
        m = m_end
    return out
