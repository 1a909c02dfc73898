"""Public-service ads inventory; nominations and public voting with anti-stuffing."""

import datetime as dt

import pytest

from wenming.assessment import outreach
from wenming.assessment.models import Nominee, PublicAd, Vote
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused

from .conftest import at, png

pytestmark = pytest.mark.django_db


def test_ads_are_inventoried_and_faded_or_damaged_ones_flagged(aw):
    ad = outreach.ad_record(actor=aw.inspector, place="江北大道公交站", kind="lightbox", size="1.2m×1.8m",
                            unit_id=aw.unit_a.pk, photo=png())
    assert not ad.needs_replacement and ad.photo
    ad = outreach.ad_check(actor=aw.inspector, ad_id=ad.pk, condition="faded", note="画面褪色")
    assert ad.needs_replacement
    with pytest.raises(ActionForbidden):
        outreach.ad_record(actor=aw.institute_admin, place="x", kind="wall")
    with pytest.raises(InvalidInput):
        outreach.ad_check(actor=aw.inspector, ad_id=ad.pk, condition="stolen")
    with pytest.raises(NotFound):
        outreach.ad_check(actor=aw.inspector, ad_id=999999, condition="good")
    assert PublicAd.objects.get().condition == "faded"


@pytest.fixture
def nominee(aw):
    campaign = outreach.campaign_create(actor=aw.office_admin, title="2026年第四季度巴州好人",
                                        starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 11, 30))
    n = outreach.nominee_nominate(actor=aw.citizen, campaign_id=campaign.pk, name="王大爷", category="good_person",
                                  story="义务打扫社区二十年")
    return n


def test_nominees_are_public_only_after_review(aw, nominee):
    with pytest.raises(NotFound):  # pending: cannot be voted for
        outreach.nominee_vote(nominee_id=nominee.pk, voter="u:1", ip="1.1.1.1", now=at(2026, 11, 10))
    with pytest.raises(ActionForbidden):
        outreach.nominee_review(actor=aw.institute_admin, nominee_id=nominee.pk, approve=True)
    outreach.nominee_review(actor=aw.office_admin, nominee_id=nominee.pk, approve=True)
    with pytest.raises(TransitionRefused):
        outreach.nominee_review(actor=aw.office_admin, nominee_id=nominee.pk, approve=False)


def test_one_vote_per_voter_per_day_and_an_ip_limit(aw, nominee, settings):
    outreach.nominee_review(actor=aw.office_admin, nominee_id=nominee.pk, approve=True)
    voter = outreach.voter_key(phone="13900001234")
    assert voter == outreach.voter_key(phone="139 0000 1234")  # the same person however typed
    assert outreach.nominee_vote(nominee_id=nominee.pk, voter=voter, ip="1.1.1.1", now=at(2026, 11, 10)).votes == 1
    with pytest.raises(TransitionRefused):
        outreach.nominee_vote(nominee_id=nominee.pk, voter=voter, ip="2.2.2.2", now=at(2026, 11, 10, 20))
    assert outreach.nominee_vote(nominee_id=nominee.pk, voter=voter, ip="1.1.1.1", now=at(2026, 11, 11)).votes == 2
    with pytest.raises(TransitionRefused):  # outside the voting dates
        outreach.nominee_vote(nominee_id=nominee.pk, voter=voter, ip="1.1.1.1", now=at(2026, 12, 1))
    settings.WENMING = {**settings.WENMING, "VOTES_PER_IP_PER_DAY": 2}
    outreach.nominee_vote(nominee_id=nominee.pk, voter="c:a", ip="3.3.3.3", now=at(2026, 11, 12))
    outreach.nominee_vote(nominee_id=nominee.pk, voter="c:b", ip="3.3.3.3", now=at(2026, 11, 12))
    with pytest.raises(outreach.TooManyVotes):
        outreach.nominee_vote(nominee_id=nominee.pk, voter="c:c", ip="3.3.3.3", now=at(2026, 11, 12))
    assert Nominee.objects.get().votes == 4 == Vote.objects.count()
    with pytest.raises(InvalidInput):
        outreach.voter_key(phone="12345")
    with pytest.raises(InvalidInput):
        outreach.voter_key()


def test_public_vote_api_with_cookie_and_phone(aw, nominee, api):
    outreach.nominee_review(actor=aw.office_admin, nominee_id=nominee.pk, approve=True)
    from wenming.assessment.models import Campaign

    Campaign.objects.update(starts_on=dt.date(2000, 1, 1), ends_on=dt.date(2100, 1, 1))
    client = api()
    r = client.get(f"/api/v1/assessment/campaigns/{nominee.campaign_id}/nominees/")
    assert r.status_code == 200 and r.json()[0]["name"] == "王大爷"
    r = client.post(f"/api/v1/assessment/nominees/{nominee.pk}/vote/", {"phone": "13900001234"}, format="json")
    assert r.status_code == 200 and r.json()["votes"] == 1
    r = client.post(f"/api/v1/assessment/nominees/{nominee.pk}/vote/", {"phone": "13900001234"}, format="json")
    assert r.status_code == 409
    r = client.post(f"/api/v1/assessment/nominees/{nominee.pk}/vote/", {}, format="json")
    assert r.status_code == 200  # a fresh browser cookie is this voter's identity
    assert "wm_voter" in r.cookies
    r = client.post(f"/api/v1/assessment/nominees/{nominee.pk}/vote/", {}, format="json")
    assert r.status_code == 409  # the same cookie again today
    assert client.post("/api/v1/assessment/nominees/999999/vote/", {}, format="json").status_code == 404


def _other_district_office():
    from decimal import Decimal

    from wenming.regions.choices import NodeKind, Role
    from wenming.regions.services import node_create, user_create

    other = node_create(name="通江县", kind=NodeKind.DISTRICT, latitude=Decimal("31.9"), longitude=Decimal("107.2"))
    return user_create(username="office_tj", password="Wenming@2026", role=Role.OFFICE_ADMIN, node=other)


def test_another_districts_office_neither_sees_nor_reviews_our_nominees(aw, nominee):
    from wenming.core.testing import signed_in

    stranger = _other_district_office()
    with pytest.raises(NotFound):
        outreach.nominee_review(actor=stranger, nominee_id=nominee.pk, approve=True)
    assert Nominee.objects.get(pk=nominee.pk).status == "pending"
    page = signed_in(stranger).get("/assessment/campaigns/").content.decode()
    assert "王大爷" not in page and "2026年第四季度巴州好人" not in page
    assert "王大爷" in signed_in(aw.office_admin).get("/assessment/campaigns/").content.decode()
    # nor may its people nominate in our campaign
    with pytest.raises(NotFound):
        outreach.nominee_nominate(actor=stranger, campaign_id=nominee.campaign_id, name="外人", category="good_person",
                                  story="x")


@pytest.mark.parametrize("raw", ["²", "١٢", "99999999999999999999", "-1", "", None, "1e3"])
def test_an_odd_nominee_id_is_not_found_never_a_crash(aw, raw):
    with pytest.raises(NotFound):
        outreach.nominee_vote(nominee_id=raw, voter="u:1", ip="1.1.1.1", now=at(2026, 11, 10))
    with pytest.raises(NotFound):
        outreach.nominee_review(actor=aw.office_admin, nominee_id=raw, approve=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_voters_behind_one_address_at_once_stay_within_its_daily_limit(aw, nominee, settings):
    from tests.races import race_calls

    settings.WENMING = {**settings.WENMING, "VOTES_PER_IP_PER_DAY": 20}
    outreach.nominee_review(actor=aw.office_admin, nominee_id=nominee.pk, approve=True)
    calls = [lambda i=i: outreach.nominee_vote(nominee_id=nominee.pk, voter=f"c:voter{i:03d}", ip="9.9.9.9",
                                               now=at(2026, 11, 10)) for i in range(60)]
    results = race_calls(calls)
    refused = [r for r in results if isinstance(r, outreach.TooManyVotes)]
    others = [r for r in results if isinstance(r, BaseException) and not isinstance(r, outreach.TooManyVotes)]
    assert not others, others
    assert Vote.objects.filter(nominee=nominee).count() == 20 and len(refused) == 40
    assert Nominee.objects.get(pk=nominee.pk).votes == 20


def test_nominee_get_for_reads_only_the_callers_district(aw, nominee):
    from wenming.assessment.selectors import nominee_get_for

    assert nominee_get_for(user=aw.office_admin, nominee_id=nominee.pk) == nominee
    assert nominee_get_for(user=aw.office_admin, nominee_id=str(nominee.pk)) == nominee
    for raw in (nominee.pk + 10**6, "²", None, -1):
        with pytest.raises(NotFound):
            nominee_get_for(user=aw.office_admin, nominee_id=raw)
    with pytest.raises(NotFound):
        nominee_get_for(user=_other_district_office(), nominee_id=nominee.pk)


def test_a_nominee_review_is_decided_once_and_audited(aw, nominee):
    from wenming.assessment.models import Event

    outreach.nominee_review(actor=aw.office_admin, nominee_id=nominee.pk, approve=False)
    with pytest.raises(TransitionRefused) as refused:
        outreach.nominee_review(actor=aw.office_admin, nominee_id=nominee.pk, approve=True)
    assert refused.value.code == "already_reviewed"
    assert Nominee.objects.get(pk=nominee.pk).status == "rejected"
    events = list(Event.objects.filter(target="nominee", target_id=nominee.pk).values_list(
        "action", "from_status", "to_status", "actor_id"))
    assert events == [("return", "pending", "rejected", aw.office_admin.pk)]
