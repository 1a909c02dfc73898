"""Past practice activities, so volunteers have a service history (hours and star levels).

The pool is drawn first (a number, a title, a place and a day each), then written as real
`activities.Activity` rows, held and confirmed by the district centre (`materialize`), so that
every `ServiceRecord(source="activity")` points at an activity that exists, with a matching
attended `Signup`.
"""

import bisect
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from wenming.activities.choices import ActivityKind, ActivityStatus
from wenming.activities.models import Activity
from wenming.demo.region import Region

THEMES = (
    "“学雷锋”志愿服务", "文明交通劝导", "“清洁家园”环境整治", "关爱留守儿童", "敬老爱老重阳慰问",
    "理论宣讲进院坝", "义诊进乡村", "防范电信网络诈骗宣传", "“6·26”禁毒宣传", "全民健身进社区",
    "“光盘行动”文明餐桌", "垃圾分类宣传", "森林防火巡护", "防溺水安全教育", "移风易俗宣传",
    "“我们的节日·春节”文化惠民", "“我们的节日·端午”民俗", "川陕苏区红色故事宣讲", "应急救护培训",
    "巴河河道清漂",
)
# which of the five kinds (五类) each theme belongs to
THEME_KIND = {
    "理论宣讲进院坝": ActivityKind.THEORY, "川陕苏区红色故事宣讲": ActivityKind.THEORY,
    "防范电信网络诈骗宣传": ActivityKind.POLICY, "“6·26”禁毒宣传": ActivityKind.POLICY,
    "垃圾分类宣传": ActivityKind.POLICY, "森林防火巡护": ActivityKind.POLICY, "防溺水安全教育": ActivityKind.POLICY,
    "“学雷锋”志愿服务": ActivityKind.VALUES, "文明交通劝导": ActivityKind.VALUES, "关爱留守儿童": ActivityKind.VALUES,
    "敬老爱老重阳慰问": ActivityKind.VALUES, "义诊进乡村": ActivityKind.VALUES, "应急救护培训": ActivityKind.VALUES,
    "“清洁家园”环境整治": ActivityKind.VALUES, "巴河河道清漂": ActivityKind.VALUES,
    "全民健身进社区": ActivityKind.CULTURE, "“我们的节日·春节”文化惠民": ActivityKind.CULTURE,
    "“我们的节日·端午”民俗": ActivityKind.CULTURE,
    "“光盘行动”文明餐桌": ActivityKind.CUSTOMS, "移风易俗宣传": ActivityKind.CUSTOMS,
}
HOURS = (1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 4, 5, 6)
VETERAN_HOURS = (4, 5, 6, 6, 7, 8)


@dataclass(frozen=True)
class PastActivity:
    number: int
    title: str
    place: str
    day: date
    theme: str = ""
    activity_id: int = 0  # the Activity row, once materialized


class ActivityPool:
    """About `per_year` activities a year from `start` to `end`, each held by the district or a town."""

    def __init__(self, rng: random.Random, region: Region, *, start: date, end: date, per_year: int = 1200):
        count = max(40, int(per_year * (end - start).days / 365))
        span = (end - start).days
        days = sorted(start + timedelta(days=rng.randrange(span + 1)) for _ in range(count))
        villages_by_town: dict[int, list[str]] = {}
        for v in region.villages:
            villages_by_town.setdefault(v.town.pk, []).append(v.node.name)
        self._by_town: dict[int | None, list[PastActivity]] = {None: []}
        for number, day in enumerate(days, start=1):
            theme = rng.choice(THEMES)
            if rng.random() < 0.12:
                town_id, title, place = None, f"巴州区{theme}活动", "巴州区新时代文明实践中心"
            else:
                town, _ = rng.choice(region.towns)
                town_id = town.pk
                place = f"{town.name}{rng.choice(villages_by_town[town.pk])}"
                title = f"{town.name}{theme}活动"
            self._by_town.setdefault(town_id, []).append(PastActivity(number, title, place, day, theme))
        self._days = {k: [a.day for a in v] for k, v in self._by_town.items()}

    def materialize(self, rng: random.Random, region: Region, *, organizer) -> int:
        """Write every past activity as a confirmed Activity of its town's institute (or the centre).

        Capacity and sign-up counts are set by `past_activity_counts_update` once the volunteers'
        sign-ups exist.
        """
        stations = {town.pk: station for town, station in region.towns}
        tz = timezone.get_current_timezone()
        rows, keys = [], []
        for town_id, items in self._by_town.items():
            for a in items:
                start = datetime.combine(a.day, time(9 if a.number % 3 else 14, 0), tzinfo=tz)
                end = start + timedelta(hours=rng.choice((2, 3, 3, 4)))
                station = stations.get(town_id, region.center)
                rows.append(Activity(
                    title=a.title, kind=THEME_KIND.get(a.theme, ActivityKind.VALUES), station=station,
                    district_id=region.district.pk, place=a.place, starts_at=start, ends_at=end,
                    signup_opens_at=start - timedelta(days=7), signup_closes_at=start - timedelta(hours=12),
                    capacity=500, signed_count=0, organizer=organizer, status=ActivityStatus.CONFIRMED,
                    qr_secret=f"{rng.getrandbits(128):032x}", confirmed_at=end, confirmed_by=organizer))
                keys.append((town_id, a.number))
        Activity.objects.bulk_create(rows, batch_size=1000)
        ids = {key: row.pk for key, row in zip(keys, rows, strict=True)}
        self._by_town = {t: [replace(a, activity_id=ids[(t, a.number)]) for a in items]
                         for t, items in self._by_town.items()}
        return len(rows)

    def pick(self, rng: random.Random, *, town_id: int, since: date, k: int) -> list[PastActivity]:
        """Up to k distinct activities of the town or the district held on or after `since`."""
        local = self._by_town.get(town_id, [])
        shared = self._by_town[None]
        a = bisect.bisect_left(self._days.get(town_id, []), since)
        b = bisect.bisect_left(self._days[None], since)
        n_local, n_shared = len(local) - a, len(shared) - b
        chosen = rng.sample(range(n_local + n_shared), min(k, n_local + n_shared))
        return [local[a + i] if i < n_local else shared[b + i - n_local] for i in chosen]


def record_count(rng: random.Random) -> tuple[int, tuple]:
    """How many activities a volunteer served in, and the hours to draw from: most a few, a few many."""
    roll = rng.random()
    if roll < 0.33:
        return 0, HOURS
    if roll < 0.63:
        return rng.randint(1, 2), HOURS
    if roll < 0.86:
        return rng.randint(3, 6), HOURS
    if roll < 0.965:
        return rng.randint(7, 20), HOURS
    if roll < 0.995:
        return rng.randint(20, 45), HOURS
    return rng.randint(60, 140), VETERAN_HOURS
