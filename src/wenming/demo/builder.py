"""Builds the Bazhou-shaped demo district (DESIGN §6), step by step, each step committed on its own.

A `DemoBuild` row is written with the district and stamped finished after the last step,
so an interrupted build is told apart from a whole one.
"""

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from wenming.demo import accounts, catalog, crowd
from wenming.demo.domains import DemoContext, domain_steps
from wenming.demo.identity import People
from wenming.demo.models import DemoBuild
from wenming.demo.order_story import OrderStory, away_villages
from wenming.demo.region import Region, region_build
from wenming.orders.models import ServiceItem
from wenming.orders.tasks import escalate_overdue_orders
from wenming.regions.choices import Role
from wenming.regions.models import Node, User
from wenming.volunteers.models import ServiceCategory

SEED = 511902
DEMO_TEAM = "龙舌坝社区志愿服务队"


@dataclass(frozen=True)
class DemoSize:
    towns: int = 22
    stations: int = 296  # village stations, spread over the towns
    volunteers: int = 3_000
    orders: int = 200
    orgs: int | None = None  # default: in proportion to volunteers (324 for 129,000)

    def org_count(self) -> int:
        return self.orgs if self.orgs is not None else crowd.org_count(self.volunteers, self.towns)


DEFAULT = DemoSize()
FULL = DemoSize(volunteers=crowd.FULL_VOLUNTEERS)
SMALL = DemoSize(towns=3, stations=10, volunteers=100, orders=30)


@dataclass
class BuildReport:
    district: Node
    seconds: dict[str, float] = field(default_factory=dict)


class State:
    EMPTY = "empty"  # nothing there: build
    COMPLETE = "complete"  # a finished demo district: nothing to do
    INCOMPLETE = "incomplete"  # a build was interrupted: needs --reset
    OTHER = "other"  # someone else's data: needs --reset


def demo_state() -> str:
    build = DemoBuild.objects.first()
    if build is not None:
        return State.COMPLETE if build.finished_at else State.INCOMPLETE
    if Node.objects.exists() or User.objects.filter(username__in=accounts.DEMO_USERNAMES).exists():
        return State.OTHER
    return State.EMPTY


class Builder:
    def __init__(self, size: DemoSize = DEFAULT, *, seed: int = SEED, log: Callable[[str], None] = lambda m: None):
        self.size = size
        self.seed = seed
        self.log = log
        self.people = People(self._stream("people"))
        self.people.reserve(phones=[spec.phone for spec in accounts.DEMO_ACCOUNTS])
        self.report: BuildReport | None = None

    def build(self) -> BuildReport:
        """Build the whole district; the caller checks `demo_state()` first."""
        seconds: dict[str, float] = {}

        def timed(label: str, step: Callable):
            self.log(f"正在{label}……")
            started = time.monotonic()
            result = step()
            seconds[label] = time.monotonic() - started
            return result

        region, users, leaders, residents, record = timed("生成区域、阵地、部门、服务菜单和账号", self._skeleton)
        self.report = BuildReport(district=region.district, seconds=seconds)
        people = timed(f"生成志愿者 {self.size.volunteers} 名", lambda: self._volunteers(region, users, leaders))
        demo_team = timed("生成志愿服务队伍", lambda: self._teams(region, people, users, leaders))
        timed(f"生成服务订单 {self.size.orders} 单", lambda: self._orders(region, users, residents, demo_team))
        timed("超时升级检查", escalate_overdue_orders)
        ctx = DemoContext(region=region, users=users, size=self.size, stream=self._stream, log=self.log)
        for label, step in domain_steps():
            timed(label, lambda step=step: step(ctx))
        DemoBuild.objects.filter(pk=record.pk).update(finished_at=timezone.now())
        return self.report

    # ------------------------------------------------------------------ steps

    @transaction.atomic
    def _skeleton(self):
        size = self.size
        region = region_build(self._stream("region"), towns=size.towns, stations=size.stations)
        record = DemoBuild.objects.create(district=region.district, seed=self.seed, size=asdict(size),
                                          started_at=timezone.now())
        _menu_create()
        users = accounts.demo_accounts_create(region)
        rng = self._stream("accounts")
        bulk = accounts.BulkUsers(self.people.with_rng(rng))
        # one or two teams per village; the home village's first team is the demo team_leader's
        slots = {v.node.pk: (2 if v is region.home else 1 if rng.random() < 0.55 else 2) for v in region.villages}
        nodes = [v.node for v in region.villages for n in range(slots[v.node.pk]) if not (v is region.home and n == 0)]
        made = iter(bulk.create(prefix="tl_", role=Role.TEAM_LEADER, nodes=nodes))
        leaders = {v.node.pk: ([users["team_leader"]] if v is region.home else []) for v in region.villages}
        for node in nodes:
            leaders[node.pk].append(next(made))
        residents = bulk.create(prefix="resident_", role=Role.CITIZEN, nodes=self._resident_homes(rng, region))
        # drawn last and from their own stream: their number follows the volunteers, the rest must not
        self.orgs = crowd.orgs_create(region, self.people.with_rng(self._stream("orgs")), size.org_count())
        return region, users, leaders, residents, record

    def _stream(self, name: str) -> random.Random:
        """A random stream per part, so that changing one size leaves the other parts as they were."""
        return random.Random(f"{self.seed}:{name}")

    def _resident_homes(self, rng: random.Random, region: Region) -> list[Node]:
        """Three neighbours of the demo citizen, one in each showcase village, the rest anywhere."""
        count = max(12, self.size.orders // 3)
        homes = [region.home.node] * 3
        homes += [v.node for v in away_villages(region) if v is not region.home]
        homes += [rng.choice(region.villages).node for _ in range(count - len(homes))]
        return homes

    def _volunteers(self, region: Region, users, leaders) -> crowd.Crowd:
        confirmers = {pk: team_leaders[0] for pk, team_leaders in leaders.items()}
        rng = self._stream("volunteers")
        people = crowd.Crowd(rng, region, self.people.with_rng(rng), orgs=self.orgs, confirmers=confirmers,
                             fallback_confirmer=users["center_admin"])
        people.bulk_create(max(self.size.volunteers - 1, 0),
                           progress=lambda n: self.log(f"  已生成志愿者 {n} 名"))
        with transaction.atomic():
            home = region.home
            org = crowd.team_org(self.orgs, home, region.district.pk)
            people.account_volunteer_create(user=users["volunteer"], village=home, org=org)
        return people

    @transaction.atomic
    def _teams(self, region: Region, people: crowd.Crowd, users, leaders):
        categories = list(ServiceCategory.objects.order_by("sort", "pk"))
        menu_ids = set(ServiceItem.objects.values_list("category_id", flat=True))
        demo_team, _ = crowd.teams_create(
            self._stream("teams"), region, people, leaders=leaders, demo_leader=users["team_leader"], demo_team_name=DEMO_TEAM,
            all_categories=categories, menu_categories=[c for c in categories if c.pk in menu_ids])
        return demo_team

    def _orders(self, region: Region, users, residents, demo_team) -> None:
        rng = self._stream("orders")
        story = OrderStory(rng, region, self.people.with_rng(rng), accounts=users, residents=residents)
        scenarios = story.showcase(demo_team)
        scenarios += story.fill(max(self.size.orders - len(scenarios), 0))
        for n, scenario in enumerate(scenarios, start=1):
            story.tell(scenario)
            if n % 50 == 0:
                self.log(f"  已生成订单 {n} 单")


def _menu_create() -> None:
    """Service categories from the national list and the service menu on top of them.

    There is no service for these reference tables yet, so they are written here directly.
    """
    by_name = {}
    for sort, name in enumerate(catalog.category_names(), start=1):
        by_name[name], _ = ServiceCategory.objects.get_or_create(name=name, defaults={"sort": sort})
    fallback = by_name.get("其他") or next(iter(by_name.values()))
    for sort, item in enumerate(catalog.MENU, start=1):
        ServiceItem.objects.get_or_create(name=item.name, defaults={
            "category": by_name.get(item.category, fallback), "description": item.description, "sort": sort})
