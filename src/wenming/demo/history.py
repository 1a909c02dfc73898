"""Past practice activities, so volunteers have a service history (hours and star levels).

There is no activities app yet: a past activity here is only a number, a title, a place
and a day, written into `ServiceRecord(source="activity", source_id=number)`.
"""

import bisect
import random
from dataclasses import dataclass
from datetime import date, timedelta

from wenming.demo.region import Region

THEMES = (
    "“学雷锋”志愿服务", "文明交通劝导", "“清洁家园”环境整治", "关爱留守儿童", "敬老爱老重阳慰问",
    "理论宣讲进院坝", "义诊进乡村", "防范电信网络诈骗宣传", "“6·26”禁毒宣传", "全民健身进社区",
    "“光盘行动”文明餐桌", "垃圾分类宣传", "森林防火巡护", "防溺水安全教育", "移风易俗宣传",
    "“我们的节日·春节”文化惠民", "“我们的节日·端午”民俗", "川陕苏区红色故事宣讲", "应急救护培训",
    "巴河河道清漂",
)
HOURS = (1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 4, 5, 6)
VETERAN_HOURS = (4, 5, 6, 6, 7, 8)


@dataclass(frozen=True)
class PastActivity:
    number: int
    title: str
    place: str
    day: date


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
            self._by_town.setdefault(town_id, []).append(PastActivity(number, title, place, day))
        self._days = {k: [a.day for a in v] for k, v in self._by_town.items()}

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
