"""The demo district: the accounts DESIGN §6 promises, work waiting for each of them, orders in
every state, protected personal data, and a second run that changes nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from wenming.core.crypto import digest
from wenming.core.validators import MOBILE_RE, validate_id_number
from wenming.demo import builder
from wenming.demo.accounts import DEMO_ACCOUNTS, PASSWORD
from wenming.orders.choices import OrderStatus
from wenming.orders.models import Order, OrderOffer
from wenming.orders.selectors import dispatch_queue_for, leader_tasks_for, order_list_for
from wenming.regions.choices import NodeKind, Role, StationKind
from wenming.regions.models import Node, Station, User
from wenming.regions.selectors import station_for_citizen
from wenming.volunteers.models import ServiceCategory, ServiceRecord, Team, Volunteer

pytestmark = pytest.mark.django_db

SMALL = builder.SMALL


def users(*names: str) -> list[User]:
    found = {u.username: u for u in User.objects.filter(username__in=names).select_related("node", "department")}
    return [found[n] for n in names]


def test_the_small_district_has_the_shape_asked_for(demo):
    district = demo.district
    assert district.name == "巴州区"
    assert Node.objects.filter(district=district, kind=NodeKind.TOWN).count() == SMALL.towns
    assert Node.objects.filter(district=district, kind=NodeKind.VILLAGE).count() == SMALL.stations
    assert Node.objects.filter(district=district, kind=NodeKind.GRID).exists()
    assert Station.objects.filter(kind=StationKind.CENTER).get().name == "巴州区新时代文明实践中心"
    assert Station.objects.filter(kind=StationKind.INSTITUTE).count() == SMALL.towns
    assert Station.objects.filter(kind=StationKind.STATION).count() == SMALL.stations
    for node in Node.objects.filter(district=district):
        assert node.path.endswith(f"/{node.pk}/") and node.district_id == district.pk


def test_every_design_account_exists_with_its_role_and_logs_in_with_the_demo_password(demo, client):
    for spec in DEMO_ACCOUNTS:
        (user,) = users(spec.username)
        assert user.role == spec.role
        assert user.full_name
        assert check_password(PASSWORD, user.password)
    # signing in as a person does, through the guarded login page
    assert client.post("/login/", {"username": "citizen", "password": PASSWORD}).status_code == 302
    assert client.session.get("_auth_user_id")
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(PASSWORD)

    station_admin, institute_admin, cadre, citizen = users("station_admin", "institute_admin", "cadre", "citizen")
    home = station_admin.node
    assert home.kind == NodeKind.VILLAGE and home.name == "龙舌坝社区"
    assert institute_admin.node == home.parent
    assert cadre.node == home and citizen.node == home
    for name in ("center_admin", "office_admin", "leader", "dept_handler", "inspector"):
        assert users(name)[0].node == demo.district
    assert users("dept_handler")[0].department.short_name == "城管"


def test_team_leader_leads_a_team_in_station_admins_station_offering_every_category(demo):
    team_leader, station_admin, citizen, volunteer = users("team_leader", "station_admin", "citizen", "volunteer")
    team = Team.objects.get(leader=team_leader)
    assert team.station == Station.objects.get(node=station_admin.node)
    assert set(team.categories.all()) == set(ServiceCategory.objects.all())
    assert station_for_citizen(citizen) == team.station
    assert team.members.filter(user=volunteer).exists()
    assert Volunteer.objects.get(user=volunteer).total_hours > 0


def test_every_village_station_has_one_or_two_teams_led_by_team_leaders(demo):
    per_station = Station.objects.filter(kind=StationKind.STATION).annotate(n=Count("teams"))
    assert {s.n for s in per_station} <= {1, 2}
    for team in Team.objects.exclude(leader__username="team_leader").annotate(n=Count("categories")):
        assert 2 <= team.n <= 5
        assert team.leader.role == Role.TEAM_LEADER and team.leader.username.startswith("tl_")


def test_orders_exist_in_every_state_and_each_demo_role_has_work_waiting(demo):
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert Order.objects.count() >= SMALL.orders
    citizen, team_leader, station_admin = users("citizen", "team_leader", "station_admin")

    mine = set(order_list_for(user=citizen).filter(citizen=citizen).values_list("status", flat=True))
    assert {"submitted", "dispatched", "accepted", "completed", "rated", "cancelled"} <= mine
    tasks = leader_tasks_for(user=team_leader)
    assert tasks.filter(status=OrderStatus.DISPATCHED, team__leader=team_leader).exists()
    assert tasks.filter(status=OrderStatus.ACCEPTED, team__leader=team_leader).exists()
    assert OrderOffer.objects.filter(team__leader=team_leader, order__status=OrderStatus.DISPATCHED).exists()
    assert dispatch_queue_for(user=station_admin).filter(status=OrderStatus.SUBMITTED).exists()

    escalated = Order.objects.filter(is_overdue=True)
    assert escalated.filter(escalation_level=1).exists() and escalated.filter(escalation_level=2).exists()
    assert Order.objects.filter(status=OrderStatus.RATED, rated_by_default=True).exists()


def test_order_times_are_spread_over_sixty_days_and_agree_with_their_events(demo):
    now = timezone.now()
    submitted = list(Order.objects.values_list("submitted_at", flat=True))
    assert min(submitted) < now - timedelta(days=10)
    assert min(submitted) > now - timedelta(days=62)
    for order in Order.objects.prefetch_related("events"):
        events = list(order.events.all())
        assert events[0].kind == "place" and events[0].from_status is None
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert all(e.at <= now for e in events)
        assert order.number.startswith(f"FW{timezone.localtime(events[0].at):%Y%m%d}")
        changes = [e for e in events if e.from_status != e.to_status]
        assert changes[-1].to_status == order.status
        if order.status == OrderStatus.COMPLETED:
            assert order.completed_at == changes[-1].at
        if order.status in (OrderStatus.SUBMITTED, OrderStatus.DISPATCHED, OrderStatus.ACCEPTED):
            assert order.due_at is not None and order.is_overdue == (order.due_at < now)
    for record in ServiceRecord.objects.filter(source=ServiceRecord.Source.ORDER):
        order = Order.objects.get(pk=record.source_id)
        assert record.served_on == timezone.localdate(order.completed_at)


def test_every_volunteer_has_a_valid_id_number_and_a_protected_phone(demo):
    volunteers = list(Volunteer.objects.all())
    # plus the one phone registration the activities story leaves waiting for review
    assert len([v for v in volunteers if v.status == Volunteer.Status.APPROVED]) == SMALL.volunteers
    assert len([v for v in volunteers if v.status == Volunteer.Status.PENDING]) == 1
    for v in volunteers:
        assert validate_id_number(v.id_number) == v.id_number
        assert v.id_number.startswith("511902")
        assert 1950 <= int(v.id_number[6:10]) <= 2005
        assert v.id_digest == digest(v.id_number)
        assert MOBILE_RE.match(v.phone) and v.phone_digest == digest(v.phone)
        assert v.district_id == demo.district.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM volunteers_volunteer")
        for phone, id_number in cursor.fetchall():
            assert not MOBILE_RE.match(phone) and len(id_number) > 18  # stored encrypted
    hours = {r["volunteer"]: r["h"] for r in ServiceRecord.objects.values("volunteer").annotate(h=Sum("hours"))}
    assert all(v.total_hours == hours.get(v.pk, 0) for v in volunteers)
