"""The daily metrics behind the dashboard's flow figures and trends, and their summary tables.

Each metric is defined once here (`METRICS`): which records, which date decides the day
(Asia/Shanghai), which path decides the place, what is added up and, for the breakdowns,
which category splits it. The counts behind the demand rates are the demands app's own
(`demands.rates.count_rows`), kept per day of collection (`RATE_CODES`).

`refresh` counts whole calendar months into `DailyStat` and `MonthlyStat`, one row per
node at every level above the record, so a figure for any scope and period reads whole
months from `MonthlyStat`, the edge days from `DailyStat` and the days after the summary
(normally only today) straight from the records: the answer is the same whether the summary
exists or not (tested), and its cost does not grow with the number of villages or days.
"""

from wenming.dashboard.summary.definitions import (
    DEPT_RATE_CODES,
    METRICS,
    PLACE_RATE_CODES,
    RATE_CODES,
    RATE_COUNTS,
    RATE_LEVELS,
    TZ,
    Metric,
    _district_id,
    _local_midnight,
    covered_through,
    direct_total,
    is_district_path,
    month_start,
    next_month,
    now,
    pinned,
    view_cache,
)
from wenming.dashboard.summary.reading import (
    keeps_days,
    metric_by_month,
    metric_total,
    metrics_by_month,
    plan,
    stat_rows,
    sums,
)
from wenming.dashboard.summary.writing import refresh

__all__ = [
    "DEPT_RATE_CODES", "METRICS", "PLACE_RATE_CODES", "RATE_CODES", "RATE_COUNTS", "RATE_LEVELS", "TZ", "Metric",
    "_district_id", "_local_midnight", "covered_through", "direct_total", "is_district_path", "keeps_days",
    "metric_by_month", "metric_total", "metrics_by_month", "month_start", "next_month", "now", "pinned", "plan",
    "refresh", "stat_rows", "sums", "view_cache",
]
