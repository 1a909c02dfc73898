"""Volunteer organisations, volunteers with their service history, and the teams that take orders.

Volunteers and their records are written with bulk_create in chunks, one transaction per
chunk, keeping what `volunteer_create` and `service_hours_credit` guarantee: digests of
phone and ID number, the district, and total_hours equal to the sum of the records.
"""

import math
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from wenming.activities.choices import ActivityStatus, SignupStatus
from wenming.activities.models import Activity, Signup
from wenming.core.crypto import digest
from wenming.demo.history import ActivityPool, record_count
from wenming.demo.identity import People
from wenming.demo.region import Region, Village
from wenming.regions.models import User
from wenming.volunteers.models import ServiceCategory, ServiceRecord, Team, Volunteer, VolunteerOrg
from wenming.volunteers.services import (
    org_create,
    service_hours_credit,
    team_create,
    volunteer_create,
)

FULL_VOLUNTEERS = 129_000
FULL_ORGS = 324
CHUNK = 5_000
REGISTRATION_START = date(2019, 3, 5)
HISTORY_START = date(2022, 1, 1)

DISTRICT_ORGS = (
    "巴州区青年志愿者协会", "巴州区巾帼志愿者协会", "巴州区老年志愿者协会", "巴州区红十字志愿服务队",
    "巴州区医疗卫生志愿服务总队", "巴州区教育系统志愿服务联盟", "巴州区文艺志愿者协会", "巴州区蓝天救援队",
    "巴州区法律援助志愿服务团", "巴州区退役军人志愿服务队", "巴州区科技志愿服务队", "巴州区理论宣讲志愿服务团",
    "巴州区文明交通志愿服务队",
)
TEAM_THEMES = ("助老", "关爱", "文明劝导", "理论宣讲", "医疗", "法律", "环保", "平安", "文艺", "巾帼", "青年", "党员先锋")


def org_count(volunteers: int, towns: int) -> int:
    """324 organisations for 129,000 volunteers, in proportion below that, at least one per town."""
    return max(towns, round(FULL_ORGS * volunteers / FULL_VOLUNTEERS))


def orgs_create(region: Region, people: People, count: int) -> dict[int, list[VolunteerOrg]]:
    """District-wide associations first, then one per town, then village associations; by node id."""
    candidates = [(name, region.district) for name in DISTRICT_ORGS]
    candidates += [(f"{town.name}志愿者协会", town) for town, _ in region.towns]
    candidates += [(f"{v.node.name}志愿服务协会", v.node) for v in region.villages]
    by_node: dict[int, list[VolunteerOrg]] = {}
    for name, node in candidates[:count]:
        contact = people.person()
        org = org_create(name=name, node=node, contact_name=contact.name, contact_phone=contact.phone)
        by_node.setdefault(node.pk, []).append(org)
    return by_node


def _org_for(rng: random.Random, orgs: dict[int, list[VolunteerOrg]], village: Village, district_id: int):
    """Most volunteers register with the nearest organisation; some with none."""
    if rng.random() < 0.25:
        return None
    for node_id in (village.node.pk, village.town.pk, district_id):
        if orgs.get(node_id) and (node_id != district_id or rng.random() < 0.9):
            return rng.choice(orgs[node_id])
    return None


def _registered_on(i: int, n: int, today: date) -> date:
    # registrations grow over the years: the cumulative share by time t is t**1.6
    span = (today - REGISTRATION_START).days
    return REGISTRATION_START + timedelta(days=int(span * (i / max(n, 1)) ** (1 / 1.6)))


class Crowd:
    """The volunteers of the district, remembered only by id and village."""

    def __init__(self, rng: random.Random, region: Region, people: People, *, orgs, confirmers: dict[int, User],
                 fallback_confirmer: User):
        self.rng = rng
        self.region = region
        self.people = people
        self.orgs = orgs
        self.confirmers = confirmers  # village node id → who confirms hours there
        self.fallback_confirmer = fallback_confirmer
        self.today = timezone.localdate()
        self.pool = ActivityPool(rng, region, start=HISTORY_START, end=self.today - timedelta(days=1))
        self.pool.materialize(rng, region, organizer=fallback_confirmer)
        self.by_village: dict[int, list[int]] = {v.node.pk: [] for v in region.villages}
        self.records = 0

    def bulk_create(self, count: int, progress: Callable[[int], None] = lambda n: None) -> None:
        """`count` volunteers spread over the villages, in chunks of CHUNK, each chunk one transaction."""
        villages = self.region.villages
        weights = [self.rng.uniform(0.5, 1.5) * (1.4 if v.node.name.endswith("社区") else 1.0) for v in villages]
        homes = self.rng.choices(range(len(villages)), weights=weights, k=count)
        for start in range(0, count, CHUNK):
            with transaction.atomic():
                self._chunk_create([villages[i] for i in homes[start:start + CHUNK]], start, count)
            progress(min(start + CHUNK, count))
        self._backdate_registrations(count)

    def _chunk_create(self, homes: list[Village], offset: int, total: int) -> None:
        rng, district = self.rng, self.region.district
        volunteers, histories = [], []
        for i, village in enumerate(homes, start=offset):
            person = self.people.person()
            org = _org_for(rng, self.orgs, village, district.pk)
            k, hours_pool = record_count(rng)
            since = _registered_on(i, total, self.today)
            served = self.pool.pick(rng, town_id=village.town.pk, since=since, k=k) if k else []
            hours = [Decimal(str(rng.choice(hours_pool))) for _ in served]
            volunteers.append(Volunteer(
                name=person.name, phone=person.phone, phone_digest=digest(person.phone),
                id_number=person.id_number, id_digest=digest(person.id_number), node_id=village.node.pk,
                district_id=district.pk, org_id=org.pk if org else None, total_hours=sum(hours, Decimal("0"))))
            histories.append((village, served, hours))
        Volunteer.objects.bulk_create(volunteers, batch_size=1000)
        records, signups = [], []
        for volunteer, (village, served, hours) in zip(volunteers, histories, strict=True):
            self.by_village[village.node.pk].append(volunteer.pk)
            confirmer = self.confirmers.get(village.node.pk, self.fallback_confirmer)
            # ids rather than instances: at 500,000 records the related-object setters show in the profile
            for activity, h in zip(served, hours, strict=True):
                records.append(ServiceRecord(
                    volunteer_id=volunteer.pk, district_id=district.pk, source=ServiceRecord.Source.ACTIVITY,
                    source_id=activity.activity_id, title=activity.title, place=activity.place,
                    served_on=activity.day, hours=h, confirmed_by_id=confirmer.pk))
                signups.append(_attended(activity, volunteer.pk, h))
        ServiceRecord.objects.bulk_create(records, batch_size=2000)
        Signup.objects.bulk_create(signups, batch_size=2000)
        self.records += len(records)

    def _backdate_registrations(self, count: int) -> None:
        """Registration times rise with the id, so a few hundred range updates set them all."""
        ids = Volunteer.objects.filter(district=self.region.district, user__isnull=True).order_by("pk")
        first = ids.values_list("pk", flat=True).first()
        if first is None:
            return
        buckets = min(240, count)
        step = math.ceil(count / buckets)
        tz = timezone.get_current_timezone()
        with transaction.atomic():
            for b in range(buckets):
                day = _registered_on(b * step, count, self.today)
                at = datetime.combine(day, time(9 + b % 9, (b * 7) % 60), tzinfo=tz)
                Volunteer.objects.filter(pk__gte=first + b * step, pk__lt=first + (b + 1) * step,
                                         user__isnull=True).update(created_at=at)

    def account_volunteer_create(self, *, user: User, village: Village, org) -> Volunteer:
        """The demo `volunteer` account's own profile and history, through the services."""
        person = self.people.person(is_male=False)
        volunteer = volunteer_create(name=user.full_name, phone=user.phone, node=village.node,
                                     id_number=person.id_number, user=user, org=org)
        served = self.pool.pick(self.rng, town_id=village.town.pk, since=date(2023, 3, 5), k=36)
        for activity in sorted(served, key=lambda a: a.day):
            hours = Decimal(str(self.rng.choice((2, 3, 3, 4))))
            service_hours_credit(volunteer=volunteer, hours=hours,
                                 source=ServiceRecord.Source.ACTIVITY, source_id=activity.activity_id,
                                 title=activity.title, place=activity.place, served_on=activity.day,
                                 confirmed_by=self.confirmers.get(village.node.pk, self.fallback_confirmer))
            _attended(activity, volunteer.pk, hours).save()
        self.records += len(served)
        self.by_village[village.node.pk].insert(0, volunteer.pk)
        return volunteer


def _attended(activity, volunteer_id: int, hours: Decimal) -> Signup:
    """The attended sign-up behind a past activity's record (hours entered by the organizer, no scans)."""
    tz = timezone.get_current_timezone()
    signed_at = datetime.combine(activity.day - timedelta(days=3), time(20, 0), tzinfo=tz)
    return Signup(activity_id=activity.activity_id, volunteer_id=volunteer_id, status=SignupStatus.SIGNED,
                  signed_at=signed_at, attended=True, hours=hours)


def past_activity_counts_update(district_id: int) -> None:
    """Sign-up counts of the past activities from their sign-ups; capacity at least that."""
    counts = Signup.objects.filter(activity=OuterRef("pk"), status=SignupStatus.SIGNED).order_by() \
        .values("activity").annotate(n=Count("pk")).values("n")
    n = Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    Activity.objects.filter(district_id=district_id, status=ActivityStatus.CONFIRMED).update(
        signed_count=n, capacity=Greatest(n, 1) + 10)


def team_categories(rng: random.Random, menu_categories: list[ServiceCategory],
                    others: list[ServiceCategory]) -> list[ServiceCategory]:
    """Two to five categories, mostly ones the menu offers, now and then one it does not."""
    k = rng.randint(2, 5)
    extra = [rng.choice(others)] if others and rng.random() < 0.3 else []
    return rng.sample(menu_categories, min(len(menu_categories), k - len(extra))) + extra


def teams_create(rng: random.Random, region: Region, crowd: Crowd, *, leaders: dict[int, list[User]],
                 demo_leader: User, demo_team_name: str, all_categories: list[ServiceCategory],
                 menu_categories: list[ServiceCategory]) -> tuple[Team, list[Team]]:
    """One or two teams per village station; the first team of the home village offers everything."""
    others = [c for c in all_categories if c not in menu_categories]
    teams, demo_team = [], None
    for village in region.villages:
        members = crowd.by_village[village.node.pk]
        org = team_org(crowd.orgs, village, region.district.pk)
        for n, leader in enumerate(leaders[village.node.pk]):
            is_demo = village is region.home and n == 0
            if is_demo:
                name, categories = demo_team_name, all_categories
                leader = demo_leader
                chosen = members[: max(12, len(members) // 2)]
            else:
                name = f"{village.node.name}志愿服务队" if n == 0 else \
                    f"{village.node.name}{rng.choice(TEAM_THEMES)}志愿服务队"
                categories = team_categories(rng, menu_categories, others)
                chosen = [pk for pk in members if rng.random() < (0.55 if n == 0 else 0.3)]
            team = team_create(name=name, station=village.station, leader=leader, org=org, categories=categories,
                               members=chosen, capacity=rng.randint(3, 8))
            teams.append(team)
            if is_demo:
                demo_team = team
    return demo_team, teams


def team_org(orgs: dict[int, list[VolunteerOrg]], village: Village, district_id: int):
    for node_id in (village.node.pk, village.town.pk, district_id):
        if orgs.get(node_id):
            return orgs[node_id][0]
    return None
