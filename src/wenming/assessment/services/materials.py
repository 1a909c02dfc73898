"""Monthly materials: the month-start tasks, filing, cooperating units' contributions, review."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from wenming.assessment import notices, permissions
from wenming.assessment.choices import FileKind, TaskStatus
from wenming.assessment.codes import Code
from wenming.assessment.events import TASK_FLOW, event_write
from wenming.assessment.models import (
    ContributionFile,
    MaterialContribution,
    MaterialFile,
    MaterialTask,
    Responsibility,
    Unit,
)
from wenming.assessment.periods import month_deadline
from wenming.assessment.selectors import (
    contribution_get_for,
    cooperating_units_on,
    task_get_for,
    task_view_for,
)
from wenming.assessment.services.common import MAX_FILES, _require_office_admin, _text
from wenming.core.documents import clean_document
from wenming.core.errors import ActionForbidden, InvalidInput, TransitionRefused
from wenming.core.uploads import clean_photo
from wenming.regions.models import Node

# ---------------------------------------------------------------------------- month-start tasks


def tasks_create_for_month(*, district: Node, period: str, now=None) -> int:
    """Create every lead unit's tasks for the month from the year's matrix; idempotent.

    A task exists once per (unit, indicator, month) — the unique constraint makes a second run
    (or a concurrent one) change nothing.
    """
    from wenming.assessment.periods import parse_period

    year, month = parse_period(period)
    now = now or timezone.now()
    due = month_deadline(period)
    made = 0
    rows = (Responsibility.objects.filter(indicator__system__district=district, indicator__system__year=year,
                                          lead_unit__is_active=True)
            .select_related("indicator", "lead_unit"))
    existing = set(MaterialTask.objects.filter(district=district, period=period)
                   .values_list("unit_id", "indicator_id"))
    for resp in rows:
        if month not in resp.months or (resp.lead_unit_id, resp.indicator_id) in existing:
            continue
        try:
            with transaction.atomic():
                task = MaterialTask.objects.create(district=district, unit=resp.lead_unit, indicator=resp.indicator,
                                                   period=period, due_at=due, created_at=now)
                event_write(district_id=district.pk, target="task", target_id=task.pk, actor=None, action="create",
                            at=now, to_status=TaskStatus.PENDING)
        except IntegrityError:  # another run made it first
            continue
        made += 1
    # one notice per unit and month; on every run, so a run cut short before this point is made good
    counts = (MaterialTask.objects.filter(district=district, period=period).values("unit_id")
              .annotate(n=Count("id")).order_by("unit_id"))
    units = Unit.objects.in_bulk([c["unit_id"] for c in counts])
    for c in counts:
        notices.tasks_arranged(units[c["unit_id"]], period, c["n"], due)
    # each cooperating unit hears of each lead task it contributes to (one notice per task and unit)
    tasks = list(MaterialTask.objects.filter(district=district, period=period)
                 .select_related("unit", "indicator").order_by("id"))
    coop = {}
    for row in Responsibility.cooperating_units.through.objects.filter(
            responsibility__indicator_id__in={t.indicator_id for t in tasks}, unit__is_active=True
    ).values("responsibility__indicator_id", "unit_id"):
        coop.setdefault(row["responsibility__indicator_id"], []).append(row["unit_id"])
    coop_units = Unit.objects.in_bulk({u for ids in coop.values() for u in ids})
    for task in tasks:
        for unit_id in sorted(coop.get(task.indicator_id, [])):
            if unit_id != task.unit_id:
                notices.cooperation_arranged(coop_units[unit_id], task)
    return made


# ---------------------------------------------------------------------------- filing and review


def _locked_task(*, actor, task_id) -> MaterialTask:
    return TASK_FLOW.lock(lambda: task_get_for(user=actor, task_id=task_id))


@transaction.atomic
def task_submit(*, actor, task_id, text: str = "", photos=(), documents=(), now=None) -> MaterialTask:
    """The unit files (or refiles) its materials: text, photos and documents, checked."""
    task = _locked_task(actor=actor, task_id=task_id)
    if not permissions.can_file(actor, task):
        raise ActionForbidden("只有责任单位可以申报资料", code=Code.NOT_YOUR_UNIT)
    TASK_FLOW.check(task, "submit")
    text = _text(text, "text", required=False)
    photos, documents = list(photos or []), list(documents or [])
    if len(photos) + len(documents) > MAX_FILES:
        raise InvalidInput(f"附件最多 {MAX_FILES} 个", code=Code.TOO_MANY_FILES, errors={"files": [f"附件最多 {MAX_FILES} 个"]})
    if not text and not photos and not documents:
        raise InvalidInput("请填写材料说明或上传附件", code=Code.EMPTY_FILING, errors={"text": ["请填写材料说明或上传附件"]})
    cleaned = [(FileKind.PHOTO, p.name, clean_photo(p)) for p in photos]
    cleaned += [(FileKind.DOCUMENT, d.name, clean_document(d)) for d in documents]
    now = now or timezone.now()
    fields = {"submitted_at": now, "text": text}
    if task.first_submitted_at is None:
        fields["first_submitted_at"] = now
    round_no = task.return_count + 1
    TASK_FLOW.move(task, action="submit", actor=actor, fields=fields, now=now, data={"files": len(cleaned)},
                   note=f"第{round_no}次申报" + ("（逾期）" if now > task.due_at else ""))
    for kind, name, content in cleaned:
        MaterialFile.objects.create(task=task, kind=kind, file=content, name=name[:200], round=round_no,
                                    uploaded_at=now, uploaded_by=actor)
    notices.filing_arrived(task)
    return task


CONTRIBUTION_MAX = 2000
CONTRIBUTION_OPEN = (TaskStatus.PENDING, TaskStatus.RETURNED)


def _locked_task_view(*, actor, task_id) -> MaterialTask:
    """A task the actor may look at (scope or cooperation), locked; 404 before waiting on anything."""
    return TASK_FLOW.lock(lambda: task_view_for(user=actor, task_id=task_id))


def _refuse_unless_open(task: MaterialTask, label: str):
    if task.status not in CONTRIBUTION_OPEN:
        raise TransitionRefused(f"当前状态为「{task.get_status_display()}」，不能{label}", code=Code.TASK_CLOSED)


@transaction.atomic
def contribution_add(*, actor, task_id, text: str = "", photos=(), documents=(), unit_id=None,
                     now=None) -> MaterialContribution:
    """A cooperating unit (配合单位) adds its material to the lead unit's task while the task is
    pending or returned. Text required (≤2000), files through the task's own checks."""
    task = _locked_task_view(actor=actor, task_id=task_id)
    units = list(cooperating_units_on(user=actor, task=task))
    if unit_id not in (None, ""):
        units = [u for u in units if str(u.pk) == str(unit_id)]
    if not units:  # the lead unit, the office: they read the task, but the material is the cooperators'
        raise ActionForbidden("只有配合单位可以提交配合材料", code=Code.NOT_COOPERATING)
    unit = units[0]
    _refuse_unless_open(task, "提交配合材料")
    text = _text(text, "text", max_length=CONTRIBUTION_MAX)
    photos, documents = list(photos or []), list(documents or [])
    if len(photos) + len(documents) > MAX_FILES:
        raise InvalidInput(f"附件最多 {MAX_FILES} 个", code=Code.TOO_MANY_FILES, errors={"files": [f"附件最多 {MAX_FILES} 个"]})
    cleaned = [(FileKind.PHOTO, p.name, clean_photo(p)) for p in photos]
    cleaned += [(FileKind.DOCUMENT, d.name, clean_document(d)) for d in documents]
    now = now or timezone.now()
    contribution = MaterialContribution.objects.create(task=task, unit=unit, text=text, author=actor, created_at=now)
    for kind, name, content in cleaned:
        ContributionFile.objects.create(contribution=contribution, kind=kind, file=content, name=name[:200],
                                        uploaded_at=now)
    event_write(district_id=task.district_id, target="task", target_id=task.pk, actor=actor, action="contribute",
                at=now, from_status=task.status, to_status=task.status, note=f"{unit.name}：{text}",
                data={"contribution": contribution.pk, "unit": unit.pk, "files": len(cleaned)})
    notices.contribution_arrived(contribution)
    return contribution


@transaction.atomic
def contribution_withdraw(*, actor, contribution_id, now=None) -> MaterialContribution:
    """The contributing unit takes its contribution back while the task is still open (kept, marked)."""
    contribution = contribution_get_for(user=actor, contribution_id=contribution_id)
    task = _locked_task_view(actor=actor, task_id=contribution.task_id)
    contribution.refresh_from_db()
    if not permissions.is_unit_member(actor, contribution.unit_id):
        raise ActionForbidden("只能撤回本单位提交的配合材料", code=Code.NOT_YOUR_UNIT)
    if contribution.withdrawn_at is not None:
        raise TransitionRefused("该配合材料已撤回", code=Code.ALREADY_WITHDRAWN)
    _refuse_unless_open(task, "撤回配合材料")
    now = now or timezone.now()
    contribution.withdrawn_at, contribution.withdrawn_by = now, actor
    contribution.save(update_fields=["withdrawn_at", "withdrawn_by"])
    event_write(district_id=task.district_id, target="task", target_id=task.pk, actor=actor,
                action="contrib_withdraw", at=now, from_status=task.status, to_status=task.status,
                note=f"{contribution.unit.name}撤回配合材料", data={"contribution": contribution.pk})
    return contribution


def _score(value, points: Decimal) -> Decimal:
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput("得分有误", errors={"score": ["应为数字"]}) from None
    if not score.is_finite() or score < 0 or score > points:
        raise InvalidInput("得分有误", code=Code.BAD_SCORE, errors={"score": [f"得分应在 0 到 {points} 之间"]})
    return score.quantize(Decimal("0.01"))


@transaction.atomic
def task_approve(*, actor, task_id, score, note: str = "", now=None) -> MaterialTask:
    task = _locked_task(actor=actor, task_id=task_id)
    _require_office_admin(actor)
    score = _score(score, task.indicator.points)
    note = _text(note, "note", required=False, max_length=500)
    now = now or timezone.now()
    TASK_FLOW.move(task, action="approve", actor=actor, now=now, fields={"approved_at": now, "score": score,
                                                                         "review_note": note},
                   note=f"得分 {score}" + (f"：{note}" if note else ""), data={"score": str(score)})
    return task


@transaction.atomic
def task_return(*, actor, task_id, reason: str, now=None) -> MaterialTask:
    task = _locked_task(actor=actor, task_id=task_id)
    _require_office_admin(actor)
    reason = _text(reason, "reason", max_length=500)
    now = now or timezone.now()
    TASK_FLOW.move(task, action="return", actor=actor, now=now, note=reason,
                   fields={"returned_at": now, "review_note": reason, "return_count": F("return_count") + 1})
    notices.filing_returned(task)
    return task
