"""The month-end job's card rules (红黄牌). Each rule looks at a closed month (or its quarter)
and issues at most one card per (unit, rule, subject) — the unique constraint makes reruns no-ops.

Rules (switch on/off and tune in 红黄牌规则; docs/ASSESSMENT.md):
- yellow_late: a task of the month filed after its deadline, or still unfiled at month end;
- yellow_returned: a task of the month returned `threshold` (default 2) times or more;
- red_nothing_filed: the unit had tasks in the month and filed none of them by the deadline;
- red_yellows: `threshold` (default 2) yellow cards in force in one quarter.

A red from yellows follows its yellows: when an appeal revokes one of them and fewer than the
threshold stay in force, the red is withdrawn (已撤回, reason recorded, audited); a later run
re-issues it only if the quarter's yellows in force reach the threshold again.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wenming.assessment import notices
from wenming.assessment.choices import CARD_IN_FORCE, CardColor, CardRuleCode, CardStatus
from wenming.assessment.events import event_write
from wenming.assessment.models import Card, CardRule, MaterialTask, Unit
from wenming.assessment.periods import quarter_of, quarter_periods

DEFAULT_THRESHOLDS = {CardRuleCode.YELLOW_RETURNED: 2, CardRuleCode.RED_YELLOWS: 2}


def card_rules() -> dict[str, CardRule]:
    """The rules, created with their defaults the first time."""
    rules = {r.code: r for r in CardRule.objects.all()}
    for code in CardRuleCode.values:
        if code not in rules:
            rules[code], _ = CardRule.objects.get_or_create(code=code,
                                                            defaults={"threshold": DEFAULT_THRESHOLDS.get(code, 1)})
    return rules


def _issue(*, unit: Unit, color: str, rule: str, period: str, subject: str, reason: str, evidence: dict, now) -> bool:
    existing = Card.objects.filter(unit=unit, rule=rule, subject=subject).first()
    if existing is not None:
        if existing.status == CardStatus.WITHDRAWN:
            return _reissue(card=existing, period=period, reason=reason, evidence=evidence, now=now)
        return False
    try:
        with transaction.atomic():
            card = Card.objects.create(district_id=unit.district_id, unit=unit, color=color, rule=rule, period=period,
                                       subject=subject, reason=reason[:500], evidence=evidence, issued_at=now)
            event_write(district_id=unit.district_id, target="card", target_id=card.pk, actor=None, action="issue",
                        at=now, to_status=card.status, note=reason)
            notices.card_issued(card)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def _reissue(*, card: Card, period: str, reason: str, evidence: dict, now) -> bool:
    """A withdrawn red whose rule holds again (new yellows in the quarter) is issued again."""
    won = Card.objects.filter(pk=card.pk, status=CardStatus.WITHDRAWN, version=card.version).update(
        status=CardStatus.ISSUED, version=F("version") + 1, period=period, reason=reason[:500], evidence=evidence,
        issued_at=now, withdrawn_at=None, withdraw_reason="", appeal_reason="", appealed_at=None,
        decision_note="", decided_at=None)
    if won:
        event_write(district_id=card.district_id, target="card", target_id=card.pk, actor=None, action="reissue",
                    at=now, from_status=CardStatus.WITHDRAWN, to_status=CardStatus.ISSUED, note=reason)
        card.refresh_from_db()
        notices.card_issued(card)
    return bool(won)


def _yellows_in_force(*, unit_id, quarter: str) -> list[int]:
    return list(Card.objects.filter(unit_id=unit_id, color=CardColor.YELLOW, status__in=CARD_IN_FORCE,
                                    period__in=quarter_periods(quarter)).order_by("id").values_list("pk", flat=True))


def reds_recheck_after_revoke(*, yellow: Card, actor, now) -> list[Card]:
    """After an appeal revoked `yellow`: withdraw the quarter's red-from-yellows if the rule no longer holds.

    Runs inside the revoking transaction. The red keeps the threshold it was issued with (stored in
    its evidence). If enough yellows remain in force the red stays, and that is recorded too.
    Returns the reds withdrawn.
    """
    quarter = quarter_of(yellow.period)
    reds = list(Card.objects.select_for_update().filter(unit_id=yellow.unit_id, rule=CardRuleCode.RED_YELLOWS,
                                                        subject=quarter, status__in=CARD_IN_FORCE))
    withdrawn = []
    for red in reds:
        remaining = _yellows_in_force(unit_id=yellow.unit_id, quarter=quarter)
        threshold = int(red.evidence.get("threshold") or card_rules()[CardRuleCode.RED_YELLOWS].threshold)
        data = {"yellow": yellow.pk, "remaining": remaining, "threshold": threshold}
        if len(remaining) >= threshold:
            event_write(district_id=red.district_id, target="card", target_id=red.pk, actor=actor, action="keep",
                        at=now, from_status=red.status, to_status=red.status, data=data,
                        note=f"黄牌（{yellow.period}）撤销后，{quarter} 仍有 {len(remaining)} 张黄牌在效，红牌维持")
            continue
        reason = (f"{yellow.period} 的黄牌经申诉撤销，{quarter} 在效黄牌剩 {len(remaining)} 张，"
                  f"不足 {threshold} 张，此红牌随之撤回")
        won = Card.objects.filter(pk=red.pk, status=red.status, version=red.version).update(
            status=CardStatus.WITHDRAWN, version=F("version") + 1, withdrawn_at=now, withdraw_reason=reason)
        if won:
            event_write(district_id=red.district_id, target="card", target_id=red.pk, actor=actor, action="withdraw",
                        at=now, from_status=red.status, to_status=CardStatus.WITHDRAWN, note=reason, data=data)
            red.refresh_from_db()
            notices.card_withdrawn(red)
            withdrawn.append(red)
    return withdrawn


def _codes(tasks) -> str:
    codes = [t.indicator.code for t in tasks[:5]]
    return "、".join(codes) + (f" 等 {len(tasks)} 项" if len(tasks) > 5 else "")


def cards_for_unit(*, unit: Unit, period: str, rules: dict, now) -> int:
    issued = 0
    tasks = list(MaterialTask.objects.filter(unit=unit, period=period).select_related("indicator"))
    if not tasks:
        return 0
    rule = rules[CardRuleCode.YELLOW_LATE]
    late = [t for t in tasks if t.is_late(now)]
    if rule.enabled and late:
        issued += _issue(unit=unit, color=CardColor.YELLOW, rule=rule.code, period=period, subject=period, now=now,
                         reason=f"{period} 有 {len(late)} 项网报资料逾期或未申报（{_codes(late)}）",
                         evidence={"tasks": [t.pk for t in late]})
    rule = rules[CardRuleCode.YELLOW_RETURNED]
    returned = [t for t in tasks if t.return_count >= rule.threshold]
    if rule.enabled and returned:
        issued += _issue(unit=unit, color=CardColor.YELLOW, rule=rule.code, period=period, subject=period, now=now,
                         reason=f"{period} 有 {len(returned)} 项网报资料被退回 {rule.threshold} 次及以上（{_codes(returned)}）",
                         evidence={"tasks": [t.pk for t in returned]})
    rule = rules[CardRuleCode.RED_NOTHING_FILED]
    if rule.enabled and all(t.first_submitted_at is None or t.first_submitted_at > t.due_at for t in tasks):
        issued += _issue(unit=unit, color=CardColor.RED, rule=rule.code, period=period, subject=period, now=now,
                         reason=f"{period} 应报 {len(tasks)} 项网报资料，截止时一项未报",
                         evidence={"tasks": [t.pk for t in tasks]})
    rule = rules[CardRuleCode.RED_YELLOWS]
    quarter = quarter_of(period)
    yellows = _yellows_in_force(unit_id=unit.pk, quarter=quarter)
    if rule.enabled and len(yellows) >= rule.threshold:
        issued += _issue(unit=unit, color=CardColor.RED, rule=rule.code, period=period, subject=quarter, now=now,
                         reason=f"{quarter} 季度内已有 {len(yellows)} 张黄牌",
                         evidence={"cards": yellows, "threshold": rule.threshold})
    return issued


def cards_issue_for_month(*, district_id: int, period: str, now=None) -> int:
    """Apply the rules to every unit for a closed month; a failing unit does not stop the others."""
    import logging

    now = now or timezone.now()
    rules = card_rules()
    issued = 0
    for unit in Unit.objects.filter(district_id=district_id, is_active=True):
        try:
            issued += cards_for_unit(unit=unit, period=period, rules=rules, now=now)
        except Exception:
            logging.getLogger(__name__).exception("cards for unit %s failed", unit.pk)
    return issued
