"""The month-end job's card rules (红黄牌). Each rule looks at a closed month (or its quarter)
and issues at most one card per (unit, rule, subject) — the unique constraint makes reruns no-ops.

Rules (switch on/off and tune in 红黄牌规则; docs/ASSESSMENT.md):
- yellow_late: a task of the month filed after its deadline, or still unfiled at month end;
- yellow_returned: a task of the month returned `threshold` (default 2) times or more;
- red_nothing_filed: the unit had tasks in the month and filed none of them by the deadline;
- red_yellows: `threshold` (default 2) yellow cards in force in one quarter.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenming.assessment.choices import CARD_IN_FORCE, CardColor, CardRuleCode
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
    from wenming.assessment.services import event_write

    if Card.objects.filter(unit=unit, rule=rule, subject=subject).exists():
        return False
    try:
        with transaction.atomic():
            card = Card.objects.create(district_id=unit.district_id, unit=unit, color=color, rule=rule, period=period,
                                       subject=subject, reason=reason[:500], evidence=evidence, issued_at=now)
            event_write(district_id=unit.district_id, target="card", target_id=card.pk, actor=None, action="issue",
                        at=now, to_status=card.status, note=reason)
    except IntegrityError:
        return False
    return True


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
    yellows = list(Card.objects.filter(unit=unit, color=CardColor.YELLOW, status__in=CARD_IN_FORCE,
                                       period__in=quarter_periods(quarter)).order_by("id").values_list("pk", flat=True))
    if rule.enabled and len(yellows) >= rule.threshold:
        issued += _issue(unit=unit, color=CardColor.RED, rule=rule.code, period=period, subject=quarter, now=now,
                         reason=f"{quarter} 季度内已有 {len(yellows)} 张黄牌",
                         evidence={"cards": yellows})
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
