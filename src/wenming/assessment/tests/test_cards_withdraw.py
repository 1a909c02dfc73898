"""A red card from yellows follows its yellows: revoked on appeal → the red is withdrawn, and the
month-end job does not issue it again unless the quarter's yellows in force reach the threshold again."""

import pytest

from wenming.assessment import services
from wenming.assessment.cards import cards_issue_for_month
from wenming.assessment.choices import CardColor, CardRuleCode, CardStatus
from wenming.assessment.models import Card, CardRule, Event
from wenming.assessment.tasks import month_end, month_start
from wenming.core.errors import TransitionRefused

from .conftest import at

pytestmark = pytest.mark.django_db


def _months_unfiled(aw, *months):
    """江北 leaves Ⅲ-3 unfiled in each month → one yellow (late) per month at the next month's start."""
    CardRule.objects.create(code=CardRuleCode.RED_NOTHING_FILED, enabled=False)
    for month in months:
        month_start(now=at(2026, month, 1, 1))
        nxt = (2027, 1) if month == 12 else (2026, month + 1)
        month_end(now=at(*nxt, 1, 2))


def _yellow(aw, period):
    return Card.objects.get(unit=aw.unit_a, color=CardColor.YELLOW, period=period)


def _revoke(aw, card, now):
    services.card_appeal(
        actor=aw.institute_admin, card_id=card.pk, reason="系统故障未能上传", now=now
    )
    return services.card_decide(
        actor=aw.office_admin, card_id=card.pk, revoke=True, note="情况属实", now=now
    )


def test_revoking_a_yellow_withdraws_the_red_and_month_end_does_not_reissue_it(aw):
    _months_unfiled(aw, 10, 11)
    red = Card.objects.get(unit=aw.unit_a, color=CardColor.RED)
    assert (red.rule, red.subject, red.status) == (
        CardRuleCode.RED_YELLOWS,
        "2026Q4",
        CardStatus.ISSUED,
    )
    assert red.evidence == {
        "cards": [_yellow(aw, "2026-10").pk, _yellow(aw, "2026-11").pk],
        "threshold": 2,
    }

    _revoke(aw, _yellow(aw, "2026-10"), now=at(2026, 12, 5))
    red.refresh_from_db()
    assert red.status == CardStatus.WITHDRAWN and red.withdrawn_at == at(2026, 12, 5)
    assert "撤销" in red.withdraw_reason and "不足 2 张" in red.withdraw_reason
    event = Event.objects.get(target="card", target_id=red.pk, action="withdraw")
    assert (event.actor, event.from_status, event.to_status) == (
        aw.office_admin,
        "issued",
        "withdrawn",
    )
    assert event.data["remaining"] == [_yellow(aw, "2026-11").pk]

    # the month-end job, run again for either month, leaves it withdrawn
    cards = Card.objects.count()
    assert month_end(now=at(2026, 12, 5, 3)) == 0
    assert (
        cards_issue_for_month(district_id=aw.district.pk, period="2026-10", now=at(2026, 12, 6))
        == 0
    )
    assert (
        cards_issue_for_month(district_id=aw.district.pk, period="2026-11", now=at(2026, 12, 6))
        == 0
    )
    red.refresh_from_db()
    assert red.status == CardStatus.WITHDRAWN and Card.objects.count() == cards
    assert not Event.objects.filter(target="card", target_id=red.pk, action="reissue").exists()

    # a new yellow in the quarter makes the rule hold again: the same red comes back, once
    _months_unfiled_more(aw, 12)
    red.refresh_from_db()
    assert red.status == CardStatus.ISSUED and red.period == "2026-12" and red.withdrawn_at is None
    assert red.evidence["cards"] == [_yellow(aw, "2026-11").pk, _yellow(aw, "2026-12").pk]
    assert month_end(now=at(2027, 1, 1, 3)) == 0
    assert Event.objects.filter(target="card", target_id=red.pk, action="reissue").count() == 1


def _months_unfiled_more(aw, month):
    month_start(now=at(2026, month, 1, 1))
    month_end(now=at(2027, 1, 1, 2))


def test_a_red_with_enough_yellows_left_stays_and_that_is_recorded(aw):
    _months_unfiled(aw, 10, 11, 12)
    red = Card.objects.get(unit=aw.unit_a, color=CardColor.RED)
    _revoke(aw, _yellow(aw, "2026-10"), now=at(2027, 1, 5))
    red.refresh_from_db()
    assert red.status == CardStatus.ISSUED
    keep = Event.objects.get(target="card", target_id=red.pk, action="keep")
    assert keep.data["remaining"] == [_yellow(aw, "2026-11").pk, _yellow(aw, "2026-12").pk]
    # a second revoked yellow leaves one: now it goes
    _revoke(aw, _yellow(aw, "2026-12"), now=at(2027, 1, 6))
    red.refresh_from_db()
    assert red.status == CardStatus.WITHDRAWN


def test_a_red_under_appeal_is_withdrawn_and_its_appeal_needs_no_decision(aw):
    _months_unfiled(aw, 10, 11)
    red = Card.objects.get(unit=aw.unit_a, color=CardColor.RED)
    services.card_appeal(
        actor=aw.institute_admin, card_id=red.pk, reason="黄牌有误", now=at(2026, 12, 3)
    )
    _revoke(aw, _yellow(aw, "2026-11"), now=at(2026, 12, 4))
    red.refresh_from_db()
    assert red.status == CardStatus.WITHDRAWN
    with pytest.raises(TransitionRefused):
        services.card_decide(actor=aw.office_admin, card_id=red.pk, revoke=False, note="维持")


def test_upholding_a_yellow_or_revoking_another_quarters_yellow_leaves_the_red(aw):
    _months_unfiled(aw, 9, 10, 11)  # Sep is Q3: its yellow does not count for the Q4 red
    red = Card.objects.get(unit=aw.unit_a, color=CardColor.RED, subject="2026Q4")
    _revoke(aw, _yellow(aw, "2026-09"), now=at(2026, 12, 3))
    card = _yellow(aw, "2026-10")
    services.card_appeal(actor=aw.institute_admin, card_id=card.pk, reason="x", now=at(2026, 12, 3))
    services.card_decide(
        actor=aw.office_admin, card_id=card.pk, revoke=False, note="理由不成立", now=at(2026, 12, 4)
    )
    red.refresh_from_db()
    assert red.status == CardStatus.ISSUED
    assert not Event.objects.filter(
        target="card", target_id=red.pk, action__in=["withdraw", "keep"]
    ).exists()


def test_the_cards_page_shows_the_withdrawal_and_filters_by_state(aw):
    from django.test import Client

    _months_unfiled(aw, 10, 11)
    _revoke(aw, _yellow(aw, "2026-10"), now=at(2026, 12, 5))
    office = Client()
    office.force_login(aw.office_admin)
    body = office.get("/assessment/cards/").content.decode()
    assert "已撤回" in body and "撤回原因：" in body
    body = office.get("/assessment/cards/?show=force").content.decode()
    # in force: 江北's November yellow, and the department's two yellows and red (it filed nothing either)
    assert "撤回原因：" not in body and body.count('class="task-card"') == 4
    body = office.get("/assessment/cards/?show=void").content.decode()
    assert body.count("task-card void") == 2  # the revoked yellow and the withdrawn red


def test_a_withdrawn_red_no_longer_counts_in_the_ranking_and_the_api_says_why(aw, api):
    from wenming.assessment.evaluation import quarter_ranking

    _months_unfiled(aw, 10, 11)

    def jiangbei():
        row = next(
            r
            for r in quarter_ranking(district_id=aw.district.pk, quarter="2026Q4")
            if r.unit == aw.unit_a
        )
        return row.components["yellow"], row.components["red"], row.components["cards"]

    assert jiangbei() == (2, 1, 100 - 2 * 10 - 30)
    _revoke(aw, _yellow(aw, "2026-10"), now=at(2026, 12, 5))
    assert jiangbei() == (1, 0, 100 - 10)
    rows = api(aw.institute_admin).get("/api/v1/assessment/cards/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    red = next(c for c in rows if c["color"] == "red")
    assert red["status"] == "withdrawn" and red["status_display"] == "已撤回"
    assert red["withdraw_reason"].startswith("2026-10 的黄牌经申诉撤销") and red["withdrawn_at"]
