"""Cards, problems and accountability: appeals, problems found and their rectification, measures."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenming.assessment import notices, permissions
from wenming.assessment.cards import reds_recheck_after_revoke
from wenming.assessment.choices import CardColor, MeasureKind, PhotoStage, ProblemStatus
from wenming.assessment.codes import Code
from wenming.assessment.events import CARD_FLOW, PROBLEM_FLOW, event_write
from wenming.assessment.models import Card, InspectionRound, Measure, Problem, ProblemPhoto
from wenming.assessment.selectors import card_get_for, problem_get_for, site_get_for, unit_get_for
from wenming.assessment.services.common import MAX_FILES, _require_office_admin, _text
from wenming.assessment.services.inspections import _coordinate, _stop_checked
from wenming.core.errors import ActionForbidden, InvalidInput
from wenming.core.inputs import record_id
from wenming.core.uploads import clean_photo
from wenming.core.workdays import add_workdays

# ---------------------------------------------------------------------------- cards


def _locked_card(*, actor, card_id) -> Card:
    return CARD_FLOW.lock(lambda: card_get_for(user=actor, card_id=card_id))


@transaction.atomic
def card_appeal(*, actor, card_id, reason: str, now=None) -> Card:
    card = _locked_card(actor=actor, card_id=card_id)
    if not permissions.is_unit_member(actor, card.unit_id):
        raise ActionForbidden("只有被警示单位可以申诉", code=Code.NOT_YOUR_UNIT)
    reason = _text(reason, "reason", max_length=1000)
    now = now or timezone.now()
    CARD_FLOW.move(card, action="appeal", actor=actor, now=now, note=reason,
                   fields={"appeal_reason": reason, "appealed_at": now})
    notices.card_appealed(card)
    return card


@transaction.atomic
def card_decide(*, actor, card_id, revoke: bool, note: str, now=None) -> Card:
    """The office decides an appeal: revoke the card (it stops counting) or uphold it."""
    card = _locked_card(actor=actor, card_id=card_id)
    _require_office_admin(actor)
    note = _text(note, "note", max_length=1000)
    now = now or timezone.now()
    action = "revoke" if revoke else "uphold"
    CARD_FLOW.move(card, action=action, actor=actor, now=now, note=note,
                   fields={"decision_note": note, "decided_at": now})
    if revoke and card.color == CardColor.YELLOW:
        reds_recheck_after_revoke(yellow=card, actor=actor, now=now)
    notices.card_decided(card)
    return card


# ---------------------------------------------------------------------------- problems and rectification


@transaction.atomic
def problem_record(*, actor, description: str, site_id=None, unit_id=None, round_id=None, photos=(),
                   latitude=None, longitude=None, deadline_days: int | None = None, now=None) -> Problem:
    """An inspector records a problem on a phone; a rectification order goes to the unit at once."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以登记问题", code=Code.INSPECTOR_ONLY)
    description = _text(description, "description")
    site = site_get_for(user=actor, site_id=site_id) if site_id not in (None, "") else None
    if unit_id not in (None, ""):
        unit = unit_get_for(user=actor, unit_id=unit_id)
    elif site is not None:
        unit = site.unit  # suggested from the site
    else:
        raise InvalidInput("请选择点位或责任单位", errors={"unit": ["请选择点位或责任单位"]})
    rnd = None
    if round_id not in (None, ""):
        rnd = InspectionRound.objects.filter(pk=record_id(round_id) or 0,
                                             district=unit.district).first()
        if rnd is None:
            raise InvalidInput("督查轮次不存在", errors={"round": ["督查轮次不存在"]})
    days = settings.WENMING.get("RECTIFICATION_DAYS", 5) if deadline_days in (None, "") else deadline_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
        raise InvalidInput("整改时限有误", errors={"deadline_days": ["整改时限应为 1-60 个工作日"]})
    photos = list(photos or [])
    if not photos:
        raise InvalidInput("请上传现场照片", code=Code.PHOTO_REQUIRED, errors={"photos": ["请上传现场照片"]})
    if len(photos) > MAX_FILES:
        raise InvalidInput(f"照片最多 {MAX_FILES} 张", errors={"photos": [f"照片最多 {MAX_FILES} 张"]})
    cleaned = [clean_photo(p) for p in photos]
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    if lat is None and site is not None:
        lat, lng = site.latitude, site.longitude
    now = now or timezone.now()
    problem = Problem.objects.create(district=unit.district, round=rnd, site=site, unit=unit, description=description,
                                     latitude=lat, longitude=lng, found_at=now, found_by=actor, deadline_days=days,
                                     due_at=add_workdays(now, days))
    for content in cleaned:
        ProblemPhoto.objects.create(problem=problem, stage=PhotoStage.FOUND, image=content, uploaded_at=now)
    if rnd is not None and site is not None:
        _stop_checked(rnd=rnd, site=site, actor=actor, now=now)
    event_write(district_id=problem.district_id, target="problem", target_id=problem.pk, actor=actor, action="create",
                at=now, to_status=ProblemStatus.OPEN, note=f"整改时限 {days} 个工作日")
    notices.rectification_ordered(problem)
    return problem


def _locked_problem(*, actor, problem_id) -> Problem:
    return PROBLEM_FLOW.lock(lambda: problem_get_for(user=actor, problem_id=problem_id))


@transaction.atomic
def problem_report_fix(*, actor, problem_id, report: str, photos=(), now=None) -> Problem:
    problem = _locked_problem(actor=actor, problem_id=problem_id)
    if not permissions.is_unit_member(actor, problem.unit_id):
        raise ActionForbidden("只有责任单位可以报告整改", code=Code.NOT_YOUR_UNIT)
    report = _text(report, "report")
    photos = list(photos or [])
    if not photos:
        raise InvalidInput("请上传整改后照片", code=Code.PHOTO_REQUIRED, errors={"photos": ["请上传整改后照片"]})
    if len(photos) > MAX_FILES:
        raise InvalidInput(f"照片最多 {MAX_FILES} 张", errors={"photos": [f"照片最多 {MAX_FILES} 张"]})
    cleaned = [clean_photo(p) for p in photos]
    now = now or timezone.now()
    PROBLEM_FLOW.move(problem, action="report", actor=actor, now=now, note=report,
                      fields={"reported_at": now, "fix_report": report})
    for content in cleaned:
        ProblemPhoto.objects.create(problem=problem, stage=PhotoStage.FIXED, image=content, uploaded_at=now)
    notices.rectification_reported(problem)
    return problem


@transaction.atomic
def problem_recheck(*, actor, problem_id, passed: bool, note: str = "", now=None) -> Problem:
    """The inspector re-checks: closes it (销号) or reopens it with a new deadline."""
    problem = _locked_problem(actor=actor, problem_id=problem_id)
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以复查", code=Code.INSPECTOR_ONLY)
    note = _text(note, "note", required=not passed, max_length=500)
    now = now or timezone.now()
    if passed:
        action, fields = "close", {"closed_at": now, "recheck_note": note}
    else:
        action = "reopen"
        fields = {"recheck_note": note, "reopen_count": F("reopen_count") + 1,
                  "due_at": add_workdays(now, problem.deadline_days), "escalation_level": 0}
    PROBLEM_FLOW.move(problem, action=action, actor=actor, now=now, note=note, fields=fields)
    if problem.status == ProblemStatus.OPEN:  # reopened: a new rectification order with a new deadline
        notices.rectification_ordered(problem)
    return problem


def problem_escalate(*, problem_id, now=None) -> bool:
    """Escalate an open rectification past its deadline: once per further deadline span overdue.

    Level n is reached when the problem is n deadline-spans late; running twice changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        problem = Problem.objects.select_for_update().filter(pk=problem_id, status=ProblemStatus.OPEN).first()
        if problem is None or now <= problem.due_at:
            return False
        level, edge = 0, problem.due_at
        while now > edge and level < 10:
            level += 1
            edge = add_workdays(edge, problem.deadline_days)
        if level <= problem.escalation_level:
            return False
        won = Problem.objects.filter(pk=problem.pk, version=problem.version).update(
            escalation_level=level, escalated_at=now, version=F("version") + 1)
        if not won:
            return False
        event_write(district_id=problem.district_id, target="problem", target_id=problem.pk, actor=None,
                    action="escalate", at=now, from_status=problem.status, to_status=problem.status,
                    note=f"整改逾期，第{level}次升级督办")
        problem.refresh_from_db()
        notices.rectification_overdue(problem)
        return True


# ---------------------------------------------------------------------------- accountability


@transaction.atomic
def measure_record(*, actor, unit_id, kind: str, reason: str, date, person: str = "") -> Measure:
    _require_office_admin(actor)
    unit = unit_get_for(user=actor, unit_id=unit_id)
    if kind not in MeasureKind.values:
        raise InvalidInput("措施类型有误", errors={"kind": ["未知的措施类型"]})
    measure = Measure.objects.create(district=unit.district, unit=unit, kind=kind,
                                     person=_text(person, "person", required=False, max_length=40),
                                     reason=_text(reason, "reason", max_length=1000), date=date,
                                     recorded_by=actor, recorded_at=timezone.now())
    event_write(district_id=unit.district_id, target="measure", target_id=measure.pk, actor=actor, action="create",
                note=f"{measure.get_kind_display()}：{measure.reason}")
    return measure
