"""The review flows (volunteer registrations, organisations, honours) and activities on the
workflow kit: every (state, action) pair from each state table, and role × action × scope.

Built like the orders' two spine files: one record per state, each try inside a rolled-back
savepoint; allowed → 200, the table's target and exactly one audit event (who, from, to);
refused → 409 and nothing written; out of the actor's scope → 404, in scope but not the
reviewer's role → 403."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from wenming.activities import services as activity_services
from wenming.activities.choices import TRANSITIONS as ACTIVITY_TRANSITIONS
from wenming.activities.choices import ActivityStatus
from wenming.activities.honours import HONOUR_REVIEW, honour_nominate
from wenming.activities.models import Activity, Honour
from wenming.core.models import AuditEvent
from wenming.core.testing import PASSWORD, api_client, rolled_back
from wenming.regions.choices import NodeKind, Role
from wenming.regions.services import node_create, user_create
from wenming.volunteers.models import Volunteer, VolunteerOrg
from wenming.volunteers.services import ORG_REVIEW, VOLUNTEER_REVIEW, org_create, volunteer_create

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    """One workflow as the tests drive it: how to make a record, its API path per action, the
    payload of each action, its state table and its statuses."""

    name: str
    model: type
    transitions: dict
    statuses: list
    make: object  # make(world) -> record, in the table's first source state
    path: object  # path(pk, action) -> the API path
    payload: dict
    actor: str  # who performs every action in the transitions test


_serial = iter(range(10, 10_000))


def _new_volunteer(w):
    n = next(_serial)
    return volunteer_create(name=f"陈静{n}", phone=f"1390000{n:04d}", node=w.village_a)


def _volunteer(w):
    v = _new_volunteer(w)
    Volunteer.objects.filter(pk=v.pk).update(status=Volunteer.Status.PENDING)
    return Volunteer.objects.get(pk=v.pk)


def _org(w):
    org = org_create(name=f"龙舌坝邻里互助队{next(_serial)}", node=w.town_a)
    VolunteerOrg.objects.filter(pk=org.pk).update(status=VolunteerOrg.Status.PENDING)
    return VolunteerOrg.objects.get(pk=org.pk)


def _honour(w):
    return honour_nominate(actor=w.station_admin, year=timezone.localdate().year, category="volunteer",
                           target_id=_new_volunteer(w).pk, summary="全年服务64小时")


def _activity(w):
    now = timezone.now()
    data = activity_services.PublishInput(
        title="重阳敬老志愿服务", kind="values", station=w.station_a.pk, place="龙舌坝社区活动室",
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1),
        signup_opens_at=now - timedelta(days=2), signup_closes_at=now - timedelta(hours=2), capacity=5,
        latitude=Decimal("31.871"), longitude=Decimal("106.751"))
    return activity_services.activity_publish(actor=w.station_admin, data=data)


REVIEW = {"approve": {"approve": True, "note": "材料齐全"}, "reject": {"approve": False, "note": "信息不实"}}

CASES = {
    "volunteer": Case("volunteer", Volunteer, VOLUNTEER_REVIEW.transitions, list(Volunteer.Status.values), _volunteer,
                      lambda pk, action: f"/api/v1/volunteers/{pk}/review/", REVIEW, "station_admin"),
    "org": Case("org", VolunteerOrg, ORG_REVIEW.transitions, list(VolunteerOrg.Status.values), _org,
                lambda pk, action: f"/api/v1/volunteer-orgs/{pk}/review/", REVIEW, "institute_admin"),
    "honour": Case("honour", Honour, HONOUR_REVIEW.transitions, list(Honour.Status.values), _honour,
                   lambda pk, action: f"/api/v1/honours/{pk}/review/", REVIEW, "office_admin"),
    "activity": Case("activity", Activity, ACTIVITY_TRANSITIONS, list(ActivityStatus.values), _activity,
                     lambda pk, action: f"/api/v1/activities/{pk}/{action}/",
                     {"cancel": {"reason": "暴雨预警，改期举行"}, "confirm": {"lines": []}}, "station_admin"),
}


def _trail(record):
    return list(AuditEvent.objects.filter(subject_id=record.pk, subject_type__model=record._meta.model_name)
                .values_list("pk", flat=True))


def _snapshot(record):
    fresh = type(record).objects.get(pk=record.pk)
    return fresh.status, len(_trail(record))


def _in_state(case, w, state):
    record = case.make(w)
    type(record).objects.filter(pk=record.pk).update(status=state)
    return type(record).objects.get(pk=record.pk)


def test_each_table_names_only_known_states():
    for case in CASES.values():
        for sources, target in case.transitions.values():
            assert set(sources) <= set(case.statuses), case.name
            assert target in case.statuses, case.name


@pytest.mark.parametrize("name", list(CASES))
def test_each_state_action_pair_is_allowed_or_refused_as_the_table_says(world, subtests, name):
    case = CASES[name]
    actor = getattr(world, case.actor)
    for state in case.statuses:
        record = _in_state(case, world, state)
        before = _snapshot(record)
        trail_before = set(_trail(record))
        for action, (sources, target) in case.transitions.items():
            with subtests.test(state=state, action=action), rolled_back():
                r = api_client(actor).post(case.path(record.pk, action), case.payload[action], format="json")
                if state in sources:
                    assert r.status_code == 200, (state, action, r.json())
                    assert r.json()["status"] == target
                    assert type(record).objects.get(pk=record.pk).status == target
                    new = AuditEvent.objects.filter(pk__in=set(_trail(record)) - trail_before)
                    assert [(e.kind, e.from_status, e.to_status, e.actor_id) for e in new] == [
                        (action, state, target, actor.pk)]
                else:
                    assert r.status_code == 409, (state, action, r.json())
                    assert r.json()["code"] in ("already_reviewed", "not_cancellable", "already_confirmed")
                    assert _snapshot(record) == before
            assert _snapshot(record) == before  # the rollback undid it


# ---------------------------------------------------------------------------- role × action × scope

@pytest.fixture
def elsewhere(world):
    """Another district, with a centre admin and an office admin of its own."""
    district = node_create(name="恩阳区", kind=NodeKind.DISTRICT)
    return {
        "center_admin_x": user_create(username="center_x", password=PASSWORD, role=Role.CENTER_ADMIN, node=district),
        "office_admin_x": user_create(username="office_x", password=PASSWORD, role=Role.OFFICE_ADMIN, node=district),
    }


OK, FORBIDDEN, HIDDEN = 200, 403, 404
ROLES = ["citizen", "volunteer_user", "team_leader", "station_admin", "station_admin_b", "institute_admin",
         "center_admin", "leader", "dept_handler", "office_admin", "center_admin_x", "office_admin_x"]

# the volunteer is of 龙舌坝社区 (station A), the organisation of 江北街道 (institute A), the honour
# of the district, the activity of station A; "…_x" are the accounts of another district
EXPECTED = {
    # scope is by place: the accounts of 龙舌坝社区 see its volunteers, only admins review them
    "volunteer": {"citizen": FORBIDDEN, "volunteer_user": FORBIDDEN, "team_leader": FORBIDDEN, "station_admin": OK,
                  "station_admin_b": HIDDEN, "institute_admin": OK, "center_admin": OK, "leader": FORBIDDEN,
                  "dept_handler": FORBIDDEN, "office_admin": FORBIDDEN, "center_admin_x": HIDDEN,
                  "office_admin_x": HIDDEN},
    "org": {"citizen": HIDDEN, "volunteer_user": HIDDEN, "team_leader": HIDDEN, "station_admin": HIDDEN,
            "station_admin_b": HIDDEN, "institute_admin": OK, "center_admin": OK, "leader": FORBIDDEN,
            "dept_handler": FORBIDDEN, "office_admin": FORBIDDEN, "center_admin_x": HIDDEN, "office_admin_x": HIDDEN},
    "honour": {"citizen": FORBIDDEN, "volunteer_user": FORBIDDEN, "team_leader": FORBIDDEN,
               "station_admin": FORBIDDEN, "station_admin_b": FORBIDDEN, "institute_admin": FORBIDDEN,
               "center_admin": OK, "leader": FORBIDDEN, "dept_handler": FORBIDDEN, "office_admin": OK,
               "center_admin_x": HIDDEN, "office_admin_x": HIDDEN},
    "activity": {"citizen": FORBIDDEN, "volunteer_user": FORBIDDEN, "team_leader": FORBIDDEN, "station_admin": OK,
                 "station_admin_b": HIDDEN, "institute_admin": OK, "center_admin": OK, "leader": FORBIDDEN,
                 "dept_handler": FORBIDDEN, "office_admin": FORBIDDEN, "center_admin_x": HIDDEN,
                 "office_admin_x": HIDDEN},
}


def test_the_matrix_names_every_role_for_every_flow():
    assert set(EXPECTED) == set(CASES)
    for row in EXPECTED.values():
        assert list(row) == ROLES


@pytest.mark.parametrize("name", list(CASES))
def test_role_action_scope_matrix(world, elsewhere, subtests, name):
    case = CASES[name]
    record = case.make(world)
    before = _snapshot(record)
    for role in ROLES:
        user = elsewhere[role] if role in elsewhere else getattr(world, role)
        for action, (_sources, target) in case.transitions.items():
            with subtests.test(role=role, action=action), rolled_back():
                r = api_client(user).post(case.path(record.pk, action), case.payload[action], format="json")
                expected = EXPECTED[name][role]
                assert r.status_code == expected, (role, action, r.status_code, r.json())
                if expected == OK:
                    assert type(record).objects.get(pk=record.pk).status == target
                else:
                    assert _snapshot(record) == before
                    if expected == HIDDEN:  # the same answer as for a record that does not exist
                        missing = api_client(user).post(case.path(10**12, action), case.payload[action],
                                                        format="json")
                        assert (missing.status_code, missing.json()) == (404, r.json())
            assert _snapshot(record) == before


def test_a_rejection_without_a_reason_or_with_an_overlong_one_is_a_400_and_writes_nothing(world, subtests):
    for name in ("volunteer", "org", "honour"):
        case = CASES[name]
        record = case.make(world)
        actor = getattr(world, case.actor)
        for body in ({"approve": False}, {"approve": False, "note": "   "}, {"approve": True, "note": "长" * 201}):
            with subtests.test(flow=name, body=str(body)[:30]):
                r = api_client(actor).post(case.path(record.pk, "reject"), body, format="json")
                assert r.status_code == 400, r.json()
                assert _snapshot(record) == (case.transitions["approve"][0][0], 0)
