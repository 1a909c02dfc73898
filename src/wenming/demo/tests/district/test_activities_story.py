"""The activities part of the demo: records point at real activities, counts agree, the demo
volunteer's certificate verifies, and the calendar offers all five kinds and the lecture brand."""

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from wenming.activities.choices import ActivityKind
from wenming.activities.models import Activity, Signup
from wenming.volunteers.certificates import certificate_verify
from wenming.volunteers.models import Certificate, ServiceRecord, Volunteer

pytestmark = pytest.mark.django_db


def test_activity_records_point_at_real_activities_with_attended_signups(demo):
    activities = {a.pk: a for a in Activity.objects.all()}
    signups = {(s.activity_id, s.volunteer_id): s for s in Signup.objects.filter(attended=True)}
    records = list(ServiceRecord.objects.filter(source=ServiceRecord.Source.ACTIVITY))
    assert records
    for r in records:
        a = activities[r.source_id]
        assert (r.title, r.place) == (a.title, a.place)
        assert r.served_on == timezone.localdate(a.starts_at)
        assert signups[(a.pk, r.volunteer_id)].hours == r.hours
    assert all(a.signed_count <= a.capacity for a in activities.values())
    counted = dict(Signup.objects.filter(status="signed").values("activity").annotate(n=Count("pk"))
                   .values_list("activity", "n"))
    assert all(a.signed_count == counted.get(a.pk, 0) for a in activities.values())
    hours = dict(ServiceRecord.objects.values("volunteer").annotate(h=Sum("hours")).values_list("volunteer", "h"))
    assert all(v.total_hours == hours.get(v.pk, 0) for v in Volunteer.objects.all())


def test_the_calendar_offers_every_kind_and_the_demo_volunteer_has_a_certificate(demo):
    upcoming_kinds = set(Activity.objects.filter(status="published").values_list("kind", flat=True))
    assert upcoming_kinds == set(ActivityKind.values)
    cert = Certificate.objects.get(volunteer__user__username="volunteer")
    assert certificate_verify(code=cert.code)[0] == "valid"
    assert Volunteer.objects.filter(status="pending").count() == 1
    assert Signup.objects.filter(volunteer__user__username="volunteer", checkin_at__isnull=False,
                                 checkout_at__isnull=True, activity__status="published").exists()


def test_the_demo_has_join_requests_and_organisation_accounts(demo):
    from wenming.core.models import Notice
    from wenming.regions.models import User
    from wenming.volunteers.joining import administered_orgs, join_requests_to_decide
    from wenming.volunteers.models import JoinRequest, VolunteerOrg
    from wenming.volunteers.tasks import remind_pending_reviews

    leader = User.objects.get(username="team_leader")
    assert join_requests_to_decide(user=leader).count() == 3
    assert JoinRequest.objects.filter(volunteer__user__username="volunteer", status="pending").count() == 1
    account = User.objects.get(username="volunteer_org")
    org = administered_orgs(account).get()
    assert join_requests_to_decide(user=account).filter(org=org).exists()
    pending = VolunteerOrg.objects.get(status="pending")
    assert pending.admins.count() == 1
    assert Notice.objects.filter(user__username="institute_admin", key=f"volunteers:org-registered:{pending.pk}")
    # one request has waited five days: the reminder job has something to send, once
    assert remind_pending_reviews(days=3) >= 1
    assert remind_pending_reviews(days=3) == 0
