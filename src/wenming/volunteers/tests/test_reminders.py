"""The reminder job for reviews left waiting: who is reminded, after how long, and never twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from wenming.core.models import Notice
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.joining import join_request_create
from wenming.volunteers.models import JoinRequest, Volunteer, VolunteerOrg
from wenming.volunteers.services import org_register
from wenming.volunteers.tasks import remind_pending_reviews

DAY = timezone.timedelta(days=1)


def reminders(user=None):
    qs = Notice.objects.filter(key__startswith="volunteers:remind:")
    return qs.filter(user=user) if user else qs


@pytest.fixture
def waiting(world):
    """A pending registration, a join request and an organisation application, each 4 days old."""
    now = timezone.now()
    pending = Volunteer.objects.create(
        name="孙丽",
        phone="13900000009",
        node=world.village_a,
        district=world.district,
        status=Volunteer.Status.PENDING,
    )
    request = join_request_create(actor=world.volunteer_user, team_id=world.team_2.pk)
    org = org_register(
        actor=world.citizen,
        name="曾口镇孝老协会",
        node_id=world.town_b.pk,
        contact_name="何",
        contact_phone="13800004444",
    )
    institute_b = user_create(
        username="institute_b", password="x" * 10, role=Role.INSTITUTE_ADMIN, node=world.town_b
    )
    Volunteer.objects.filter(pk=pending.pk).update(created_at=now - 4 * DAY)
    JoinRequest.objects.filter(pk=request.pk).update(created_at=now - 4 * DAY)
    VolunteerOrg.objects.filter(pk=org.pk).update(created_at=now - 4 * DAY)
    Notice.objects.all().delete()  # leave only what the job sends
    return now, pending, request, org, institute_b


def test_each_waiting_item_reminds_the_nearest_reviewer_once(world, waiting):
    now, pending, request, org, institute_b = waiting
    sent = remind_pending_reviews(now=now, days=3)
    # the registration: the station admin of its village (not the institute or centre above);
    # the join request: the team's leader; the town organisation: the town's institute
    assert {(n.user_id, n.key.split(":")[2]) for n in reminders()} == {
        (world.station_admin.pk, "volunteer"),
        (world.team_leader_2.pk, "join"),
        (institute_b.pk, "org"),
    }
    assert sent == 3
    assert "孙丽" in reminders(world.station_admin).get().title
    assert reminders(world.team_leader_2).get().link == "/volunteers/requests/"
    # run twice: nothing new
    assert remind_pending_reviews(now=now, days=3) == 0
    assert reminders().count() == 3
    # still waiting three days later: reminded again, once
    assert remind_pending_reviews(now=now + 3 * DAY, days=3) == 3
    assert remind_pending_reviews(now=now + 3 * DAY, days=3) == 0
    assert reminders().count() == 6


def test_nothing_is_reminded_before_its_time_or_once_decided(world, waiting):
    now, pending, request, org, institute_b = waiting
    assert remind_pending_reviews(now=now, days=5) == 0
    Volunteer.objects.filter(pk=pending.pk).update(status=Volunteer.Status.APPROVED)
    JoinRequest.objects.filter(pk=request.pk).update(status=JoinRequest.Status.WITHDRAWN)
    VolunteerOrg.objects.filter(pk=org.pk).update(status=VolunteerOrg.Status.REJECTED)
    assert remind_pending_reviews(now=now, days=3) == 0
    assert not reminders().exists()


def test_without_reviewers_at_the_node_the_level_above_is_reminded(world, waiting):
    now, pending, request, org, institute_b = waiting
    world.station_admin.is_active = False
    world.station_admin.save(update_fields=["is_active"])
    institute_b.delete()
    remind_pending_reviews(now=now, days=3)
    assert reminders(world.institute_admin).filter(key__contains=":volunteer:").exists()
    assert reminders(world.center_admin).filter(key__contains=":org:").exists()
    assert not reminders(world.station_admin).exists()


def test_the_management_command(world, waiting):
    out = StringIO()
    call_command("remind_pending_reviews", "--days", "3", "--dry-run", stdout=out)
    assert "志愿者注册 1" in out.getvalue() and not reminders().exists()
    out = StringIO()
    call_command("remind_pending_reviews", "--days", "3", stdout=out)
    assert "新发提醒 3 条" in out.getvalue()
    out = StringIO()
    call_command("remind_pending_reviews", "--days", "3", stdout=out)
    assert "新发提醒 0 条" in out.getvalue() and reminders().count() == 3
    from wenming.core.jobs import registered_jobs

    assert "remind-pending-reviews" in registered_jobs()


def test_steps_notify_the_next_person(world, api):
    r = join_request_create(actor=world.volunteer_user, team_id=world.team_2.pk)
    assert Notice.objects.filter(user=world.team_leader_2, key=f"volunteers:join:{r.pk}").exists()
    api(world.team_leader_2).post(
        f"/api/v1/join-requests/{r.pk}/decline/", {"reason": "满员"}, format="json"
    )
    n = Notice.objects.get(user=world.volunteer_user, key=f"volunteers:join-decided:{r.pk}")
    assert "未同意" in n.title and n.body == "满员"
    org = org_register(
        actor=world.citizen,
        name="江北孝老协会",
        node_id=world.town_a.pk,
        contact_name="何",
        contact_phone="13800004444",
    )
    assert Notice.objects.filter(
        user=world.institute_admin, key=f"volunteers:org-registered:{org.pk}"
    ).exists()
    api(world.institute_admin).post(
        f"/api/v1/volunteer-orgs/{org.pk}/review/", {"approve": True}, format="json"
    )
    assert Notice.objects.get(
        user=world.citizen, key=f"volunteers:org-reviewed:{org.pk}"
    ).link.endswith("/manage/")
