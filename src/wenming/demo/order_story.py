"""Demo orders in every state, each walked through the order services by the people who
would really act on it, then moved back in time to when it happened."""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from wenming.core.workdays import add_workdays
from wenming.demo import catalog, timeline
from wenming.demo.identity import People
from wenming.demo.region import Region, Village
from wenming.orders import services
from wenming.orders.choices import STATUS_TIMESTAMP, DispatchMode
from wenming.orders.models import Order, OrderEvent, OrderOffer, ServiceItem
from wenming.regions.models import User
from wenming.regions.selectors import in_scope
from wenming.volunteers.models import ServiceRecord, Team
from wenming.volunteers.services import service_records_unlocked

ESTATES = ("滨江花园", "江北丽苑", "金港花园", "书香苑", "阳光小区", "巴河湾", "丽景园", "廻风苑", "幸福家园")

# the share of each final state among the orders beyond the showcase ones
FILL = (("rated", 42), ("completed", 8), ("accepted", 10), ("dispatched", 8), ("submitted", 12),
        ("cancelled", 9), ("rejected", 5), ("auto_rated", 6))


@dataclass
class Scenario:
    final: str  # submitted dispatched accepted completed rated auto_rated cancelled rejected
    village: Village
    placer: User | None  # None: a phone-in order entered for someone without an account
    team: Team | None = None  # the team to dispatch to; chosen by category when None
    grab: bool = False
    decline_first: bool = False
    overdue: int = 0  # escalation level wanted for an open order
    cancel_by_dispatcher: bool = False

    def steps(self) -> list[str]:
        path = {
            "submitted": ["place"], "dispatched": ["place", "dispatch"],
            "accepted": ["place", "dispatch", "accept"], "completed": ["place", "dispatch", "accept", "complete"],
            "rated": ["place", "dispatch", "accept", "complete", "rate"],
            "auto_rated": ["place", "dispatch", "accept", "complete", "auto_rate"],
            "cancelled": ["place", "dispatch", "cancel"] if self.cancel_by_dispatcher else ["place", "cancel"],
            "rejected": ["place", "reject"],
        }[self.final]
        if self.decline_first:
            path = path[:1] + ["dispatch", "decline"] + path[1:]
        return path


def away_villages(region: Region) -> list[Village]:
    """Up to six villages outside the home one, round-robin over the towns, the home town first."""
    by_town: dict[int, list[Village]] = {}
    for v in region.villages:
        if v is not region.home:
            by_town.setdefault(v.town.pk, []).append(v)
    queues = sorted(by_town.values(), key=lambda vs: vs[0].town.pk != region.home.town.pk)
    out: list[Village] = []
    while len(out) < 6 and any(queues):
        for queue in queues:
            if queue and len(out) < 6:
                out.append(queue.pop(0))
    return out or [region.home]


class OrderStory:
    def __init__(self, rng: random.Random, region: Region, people: People, *, accounts: dict[str, User],
                 residents: list[User]):
        self.rng = rng
        self.region = region
        self.people = people
        self.accounts = accounts
        self.residents = residents
        self.items = list(ServiceItem.objects.filter(is_active=True).select_related("category").order_by("sort"))
        # by id, not the model's name ordering: collations differ between SQLite and PostgreSQL,
        # and the same seed must give the same orders on both
        self.teams = list(Team.objects.filter(station__node__district=region.district, is_active=True)
                          .select_related("station__node", "leader").prefetch_related("categories").order_by("pk"))
        self.team_categories = {t.pk: {c.pk for c in t.categories.all()} for t in self.teams}
        self._member_ids: dict[int, list[int]] = {}
        self.village_of = {v.node.pk: v for v in region.villages}
        self.addresses: dict[int | None, str] = {}
        self.dispatchers = [accounts["station_admin"], accounts["institute_admin"], accounts["center_admin"]]
        self.now = timezone.now()

    # ------------------------------------------------------------------ who and where

    def showcase(self, demo_team: Team) -> list[Scenario]:
        """The orders every demo account needs to find something to do."""
        home = self.region.home
        citizen = self.accounts["citizen"]
        neighbours = [r for r in self.residents if r.node_id == home.node.pk][:3]
        r1, r2, r3 = (neighbours + [citizen] * 3)[:3]
        away = away_villages(self.region)
        elsewhere = [self._resident_of(v) for v in away]

        def far(i: int) -> tuple[Village, User | None]:
            v = away[i % len(away)]
            return v, elsewhere[i % len(away)]

        out = [
            Scenario("submitted", home, citizen),
            Scenario("submitted", home, None),
            Scenario("submitted", home, r1, team=demo_team, decline_first=True),
            Scenario("dispatched", home, citizen, team=demo_team),
            Scenario("dispatched", home, r2, team=demo_team),
            Scenario("dispatched", home, r3, grab=True),
            Scenario("accepted", home, citizen, team=demo_team),
            Scenario("accepted", home, r1, grab=True),
            Scenario("completed", home, citizen, team=demo_team),
            Scenario("rated", home, citizen, team=demo_team),
            Scenario("rated", home, r2, team=demo_team),
            Scenario("cancelled", home, citizen),
            Scenario("rejected", home, r3),
            Scenario("auto_rated", home, r1, team=demo_team),
        ]
        for i, (final, extra) in enumerate((
                ("dispatched", {"overdue": 1}), ("submitted", {"overdue": 2}), ("accepted", {"overdue": 1}),
                ("cancelled", {"cancel_by_dispatcher": True}), ("rejected", {}), ("completed", {}))):
            village, resident = far(i)
            out.append(Scenario(final, village, resident if final != "rejected" else None, **extra))
        return out

    def fill(self, count: int) -> list[Scenario]:
        finals = [f for f, _ in FILL]
        weights = [w for _, w in FILL]
        out = []
        for _ in range(count):
            final = self.rng.choices(finals, weights)[0]
            resident = self.rng.choice(self.residents)
            placer = None if final not in ("rated",) and self.rng.random() < 0.12 else resident
            out.append(Scenario(final, self.village_of[resident.node_id], placer,
                                cancel_by_dispatcher=final == "cancelled" and self.rng.random() < 0.3))
        return out

    def _resident_of(self, village: Village) -> User | None:
        for r in self.residents:
            if r.node_id == village.node.pk:
                return r
        return None

    def _address(self, placer: User | None, village: Village) -> str:
        key = placer.pk if placer else None
        if key is not None and key in self.addresses:
            return self.addresses[key]
        rng = self.rng
        town = village.town.name
        if village.node.name.endswith("社区"):
            address = (f"{town}{village.node.name}{rng.choice(ESTATES)}{rng.randint(1, 12)}栋"
                       f"{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室")
        else:
            address = f"{town}{village.node.name}{rng.randint(1, 9)}组{rng.randint(1, 60)}号"
        if key is not None:
            self.addresses[key] = address
        return address

    def _team_for(self, item: ServiceItem, village: Village) -> Team:
        """A team offering the item's category: in the village's station, else its town, else anywhere."""
        fits = [t for t in self.teams if item.category_id in self.team_categories[t.pk]]
        for same in (lambda t: t.station_id == village.station.pk,
                     lambda t: t.station.node.path.startswith(village.town.path)):
            near = [t for t in fits if same(t)]
            if near:
                return self.rng.choice(near)
        return self.rng.choice(fits)

    def _dispatcher_for(self, *nodes) -> User:
        """The lowest-level dispatcher whose scope holds every node given."""
        for user in self.dispatchers:
            if all(in_scope(user, n) for n in nodes):
                return user
        return self.dispatchers[-1]

    def _members(self, team: Team) -> list[int]:
        if team.pk not in self._member_ids:
            self._member_ids[team.pk] = list(team.members.order_by("pk").values_list("pk", flat=True))
        return self._member_ids[team.pk]

    # ------------------------------------------------------------------ telling it

    def tell(self, scenario: Scenario) -> Order:
        """Walk one order through the services; one transaction, so no half-told order remains."""
        with transaction.atomic():
            return self._tell(scenario)

    def _tell(self, s: Scenario) -> Order:
        rng = self.rng
        if s.team is not None:
            item = rng.choice([i for i in self.items if i.category_id in self.team_categories[s.team.pk]])
        else:
            item = rng.choice(self.items)
        team = s.team or self._team_for(item, s.village)
        station_node = s.village.node
        if s.grab:
            dispatcher = self._dispatcher_for(station_node)
        else:
            dispatcher = self._dispatcher_for(station_node, team.station.node)
        steps = s.steps()
        if s.final == "auto_rated":
            moments = timeline.auto_rate_plan(rng, steps, now=self.now)
        else:
            moments = timeline.plan(rng, steps, s.final, now=self.now, overdue=s.overdue)
        menu = catalog.MENU_BY_NAME.get(item.name)
        order = None
        for step, at in zip(steps, moments, strict=True):
            order = self._step(step, s, order, item=item, team=team, dispatcher=dispatcher, menu=menu)
            self._backdate_step(order, at)
        self._finish(order)
        return order

    def _step(self, step: str, s: Scenario, order: Order | None, *, item, team, dispatcher, menu) -> Order:
        rng = self.rng
        if step == "place":
            placer = s.placer
            person = None if placer else self.people.person()
            village = s.village
            data = services.PlaceInput(
                service_item=item.pk,
                description=rng.choice(menu.requests) if menu else f"需要{item.name}服务。",
                address=self._address(placer, village),
                contact_phone=placer.phone if placer else person.phone,
                contact_name="" if placer else person.name,
                station=None if placer else village.station.pk,
                latitude=_jitter(rng, village.node.latitude), longitude=_jitter(rng, village.node.longitude))
            return services.order_place(actor=placer or AnonymousUser(), data=data)
        if step == "dispatch":
            if s.grab:
                return services.order_dispatch(order_id=order.pk, actor=dispatcher, mode=DispatchMode.GRAB)
            return services.order_dispatch(order_id=order.pk, actor=dispatcher, team_id=team.pk)
        if step == "decline":
            return services.order_decline(order_id=order.pk, actor=team.leader, reason=rng.choice(catalog.DECLINE_REASONS))
        if step == "accept":
            return services.order_accept(order_id=order.pk, actor=team.leader if not s.grab else self._grabber(order))
        if step == "complete":
            serving = order.team
            members = self._members(serving)
            chosen = rng.sample(members, min(len(members), rng.randint(1, 4)))
            if serving.leader_id == self.accounts["team_leader"].pk and members and members[0] not in chosen:
                chosen[:1] = [members[0]]  # the demo volunteer serves with the demo team
            hours = [{"volunteer": pk, "hours": str(rng.choice((1, 1.5, 2, 2.5, 3, 4)))} for pk in chosen]
            return services.order_complete(order_id=order.pk, actor=serving.leader, summary=rng.choice(
                catalog.COMPLETION_SUMMARIES), served_count=rng.randint(1, 30), hours=hours)
        if step == "rate":
            score = rng.choices((5, 4, 3), (70, 22, 8))[0]
            return services.order_rate(order_id=order.pk, actor=s.placer, score=score,
                                       comment=rng.choice(catalog.RATING_COMMENTS[score]))
        if step == "auto_rate":
            rated = services.order_rate_by_default(order_id=order.pk)
            if rated is None:
                raise RuntimeError(f"order {order.pk} was not rated by default")
            return rated
        if step == "cancel":
            if s.cancel_by_dispatcher or s.placer is None:
                return services.order_cancel(order_id=order.pk, actor=self._dispatcher_for(s.village.node),
                                             reason=rng.choice(catalog.CANCEL_REASONS_DISPATCHER))
            return services.order_cancel(order_id=order.pk, actor=s.placer,
                                         reason=rng.choice(catalog.CANCEL_REASONS_CITIZEN))
        if step == "reject":
            return services.order_reject(order_id=order.pk, actor=self._dispatcher_for(s.village.node),
                                         reason=rng.choice(catalog.REJECT_REASONS))
        raise ValueError(step)

    def _grabber(self, order: Order) -> User:
        """In grab mode the demo team leader grabs when offered, as the showcase wants."""
        leaders = list(OrderOffer.objects.filter(order=order).order_by("pk").values_list("team__leader", flat=True))
        demo = self.accounts["team_leader"]
        return demo if demo.pk in leaders else User.objects.get(pk=leaders[0])

    # ------------------------------------------------------------------ moving it back in time

    def _backdate_step(self, order: Order, at) -> None:
        """The step just taken happened at `at`: its event, and the timestamp of the state it entered."""
        event = OrderEvent.objects.filter(order=order).order_by("-pk").first()
        OrderEvent.objects.filter(pk=event.pk).update(at=at)
        if event.to_status != event.from_status:
            Order.objects.filter(pk=order.pk).update(**{STATUS_TIMESTAMP[event.to_status]: at})
        if event.kind == "dispatch" or event.kind == "redispatch":
            OrderOffer.objects.filter(order=order).update(created_at=at)
        order.refresh_from_db()

    def _finish(self, order: Order) -> None:
        """Number, deadline and credited hours agree with the moved times."""
        order.refresh_from_db()
        # numbered by the day it was placed (a decline moves submitted_at, the place event stays)
        placed = OrderEvent.objects.filter(order=order).order_by("pk").values_list("at", flat=True).first()
        fields = {"number": f"FW{timezone.localtime(placed):%Y%m%d}{order.pk:06d}"}
        days = timeline.deadline_days(order.status)
        if days is not None:
            last = OrderEvent.objects.filter(order=order).order_by("-pk").values_list("at", flat=True).first()
            fields["due_at"] = add_workdays(last, days)
        Order.objects.filter(pk=order.pk).update(**fields)
        if order.completed_at is not None:
            # records are immutable in the product; the demo backdates the ones it fabricates
            with transaction.atomic(), service_records_unlocked("demo: backdate order records"):
                ServiceRecord.objects.filter(source=ServiceRecord.Source.ORDER, source_id=order.pk).update(
                    served_on=timezone.localdate(order.completed_at))


def _jitter(rng: random.Random, value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value) + Decimal(f"{rng.uniform(-0.004, 0.004):.6f}")).quantize(Decimal("0.000001"))

