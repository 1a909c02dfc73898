"""Every write of the assessment app. Keyword-only, an explicit actor, one transaction each;
workflow rows change by compare-and-set on (status, version) and leave an Event."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from wenming.assessment import notices, permissions
from wenming.assessment.cards import reds_recheck_after_revoke
from wenming.assessment.choices import (
    CardColor,
    FileKind,
    MeasureKind,
    PhotoStage,
    ProblemStatus,
    SiteKind,
    TaskStatus,
    UnitKind,
)
from wenming.assessment.events import CARD_FLOW, PROBLEM_FLOW, TASK_FLOW, event_write
from wenming.assessment.models import (
    Card,
    ContributionFile,
    InspectionRound,
    MaterialContribution,
    MaterialFile,
    MaterialTask,
    Measure,
    Problem,
    ProblemPhoto,
    Responsibility,
    RoundSite,
    Site,
    Unit,
)
from wenming.assessment.periods import month_deadline
from wenming.assessment.selectors import (
    card_get_for,
    contribution_get_for,
    cooperating_units_on,
    district_id_of,
    problem_get_for,
    responsibility_get_for,
    round_get_for,
    round_inspector_candidates,
    site_get_for,
    site_list_for,
    task_get_for,
    task_view_for,
    unit_get_for,
    unit_list_for,
    unit_people_candidates,
)
from wenming.core import workflow
from wenming.core.documents import clean_document
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.inputs import bounded_int, is_digits, record_id
from wenming.core.uploads import clean_photo
from wenming.core.workdays import add_workdays
from wenming.regions.models import Department, Node

MAX_FILES = 9


_text = workflow.text


def _require_office_admin(actor):
    if not permissions.is_office_admin(actor):
        raise ActionForbidden("只有文明办管理员可以执行此操作", code="office_only")


# ---------------------------------------------------------------------------- units


def unit_sync(*, district: Node) -> int:
    """Make one unit per department and per town of the district (idempotent); returns how many were new."""
    made = 0
    for dept in Department.objects.filter(node=district):
        _, created = Unit.objects.get_or_create(
            department=dept, defaults=dict(kind=UnitKind.DEPARTMENT, district=district, path=district.path,
                                           name=dept.name))
        made += created
    for town in Node.objects.filter(parent=district, kind="town"):
        _, created = Unit.objects.get_or_create(
            node=town, defaults=dict(kind=UnitKind.TOWN, district=district, path=town.path, name=town.name))
        made += created
    return made


def _ids(values, field: str) -> list[int]:
    out = []
    for v in values or []:
        number = record_id(v)
        if number is None:
            raise InvalidInput("输入有误", errors={field: [f"无法识别「{str(v)[:20]}」"]})
        out.append(number)
    return list(dict.fromkeys(out))


def _person_name(user) -> str:
    return user.full_name or user.username


MAX_CONTACTS = 10


@transaction.atomic
def unit_set_people(*, actor, unit_id, responsible_id=None, contact_ids=()) -> Unit:
    """The office sets a unit's responsible person (责任人) and contacts (联络员).

    Only the unit's own staff can be chosen (selectors.unit_people_candidates): a department's
    people for a department, people in the town's subtree for a town. Audited with before/after.
    """
    _require_office_admin(actor)
    unit = unit_get_for(user=actor, unit_id=unit_id)
    list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True))
    candidates = unit_people_candidates(unit=unit)
    errors = {}
    responsible = None
    if responsible_id not in (None, ""):
        rid = _ids([responsible_id], "responsible")[0]
        responsible = candidates.filter(pk=rid).first()
        if responsible is None:
            errors["responsible"] = ["只能从本单位人员中选择责任人"]
    ids = _ids(contact_ids, "contacts")
    if len(ids) > MAX_CONTACTS:
        errors["contacts"] = [f"联络员最多 {MAX_CONTACTS} 人"]
    contacts = list(candidates.filter(pk__in=ids))
    if len(contacts) != len(ids) and "contacts" not in errors:
        errors["contacts"] = ["只能从本单位人员中选择联络员"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    before = {"responsible": unit.responsible_id, "contacts": sorted(unit.contacts.values_list("pk", flat=True))}
    unit.responsible = responsible
    unit.save(update_fields=["responsible"])
    unit.contacts.set(contacts)
    after = {"responsible": unit.responsible_id, "contacts": sorted(c.pk for c in contacts)}
    if before != after:
        names = "、".join(_person_name(c) for c in contacts) or "无"
        event_write(district_id=unit.district_id, target="unit", target_id=unit.pk, actor=actor, action="contact",
                    note=f"责任人：{_person_name(responsible) if responsible else '无'}；联络员：{names}",
                    data={"before": before, "after": after})
    return unit


# ---------------------------------------------------------------------------- responsibilities


def parse_months(value, field: str = "months") -> list[int]:
    """1-12 as a list or as text like "1,3,5" / "1-12" / "全年"."""
    if isinstance(value, list):
        parts = value
    elif isinstance(value, str):
        text = value.strip().replace("，", ",").replace("、", ",").replace("月", "").replace(" ", "")
        if text in ("全年", "每月"):
            return list(range(1, 13))
        parts = []
        for chunk in filter(None, text.split(",")):
            if "-" in chunk:
                a, _, b = chunk.partition("-")
                if not (is_digits(a) and is_digits(b)) or len(a) > 2 or len(b) > 2 or int(a) > int(b):
                    raise InvalidInput("申报月份有误", errors={field: [f"无法识别「{chunk}」"]})
                parts += list(range(int(a), int(b) + 1))
            else:
                parts.append(chunk)
    else:
        raise InvalidInput("申报月份有误", errors={field: ["应为月份列表"]})
    months = set()
    for p in parts:
        if bounded_int(p, low=-(2**31), high=2**31) is None:
            raise InvalidInput("申报月份有误", errors={field: [f"无法识别「{str(p)[:20]}」"]})
        if not 1 <= int(p) <= 12:
            raise InvalidInput("申报月份有误", errors={field: ["月份应在 1-12 之间"]})
        months.add(int(p))
    if not months:
        raise InvalidInput("申报月份有误", errors={field: ["至少一个月份"]})
    return sorted(months)


@transaction.atomic
def responsibility_update(*, actor, responsibility_id, lead_unit_id=None, cooperating_unit_ids=None,
                          person=None, months=None) -> Responsibility:
    """Edit one row of the matrix on screen."""
    _require_office_admin(actor)
    resp = responsibility_get_for(user=actor, responsibility_id=responsibility_id)
    visible = unit_list_for(user=actor)
    before = {"lead": resp.lead_unit_id, "coop": sorted(resp.cooperating_units.values_list("pk", flat=True)),
              "person": resp.person, "months": resp.months}
    errors = {}
    if lead_unit_id is not None:
        lead = visible.filter(pk=record_id(lead_unit_id) or 0).first()
        if lead is None:
            errors["lead_unit"] = ["单位不存在"]
        else:
            resp.lead_unit = lead
    coop = None
    if cooperating_unit_ids is not None:
        ids = [i for i in cooperating_unit_ids if isinstance(i, int)]
        coop = list(visible.filter(pk__in=ids))
        if len(coop) != len(set(cooperating_unit_ids)):
            errors["cooperating_units"] = ["单位不存在"]
    if person is not None:
        resp.person = _text(person, "person", required=False, max_length=40)
    if months is not None:
        try:
            resp.months = parse_months(months)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    resp.save()
    if coop is not None:
        resp.cooperating_units.set([u for u in coop if u.pk != resp.lead_unit_id])
    event_write(district_id=resp.lead_unit.district_id, target="responsibility", target_id=resp.pk, actor=actor,
                action="update", data={"before": before})
    return resp


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
        raise ActionForbidden("只有责任单位可以申报资料", code="not_your_unit")
    TASK_FLOW.check(task, "submit")
    text = _text(text, "text", required=False)
    photos, documents = list(photos or []), list(documents or [])
    if len(photos) + len(documents) > MAX_FILES:
        raise InvalidInput(f"附件最多 {MAX_FILES} 个", code="too_many_files", errors={"files": [f"附件最多 {MAX_FILES} 个"]})
    if not text and not photos and not documents:
        raise InvalidInput("请填写材料说明或上传附件", code="empty_filing", errors={"text": ["请填写材料说明或上传附件"]})
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
        raise TransitionRefused(f"当前状态为「{task.get_status_display()}」，不能{label}", code="task_closed")


@transaction.atomic
def contribution_add(*, actor, task_id, text: str = "", photos=(), documents=(), unit_id=None,
                     now=None) -> MaterialContribution:
    """A cooperating unit (配合单位) adds its material to the lead unit's task while the task is
    pending or returned. Text required (≤2000), files through the task's own checks."""
    task = _locked_task_view(actor=actor, task_id=task_id)
    units = list(cooperating_units_on(user=actor, task=task))
    if unit_id not in (None, ""):
        units = [u for u in units if str(u.pk) == str(unit_id)]
    if not units:  # the lead unit, the office, anyone not cooperating on this indicator
        raise NotFound()
    unit = units[0]
    _refuse_unless_open(task, "提交配合材料")
    text = _text(text, "text", max_length=CONTRIBUTION_MAX)
    photos, documents = list(photos or []), list(documents or [])
    if len(photos) + len(documents) > MAX_FILES:
        raise InvalidInput(f"附件最多 {MAX_FILES} 个", code="too_many_files", errors={"files": [f"附件最多 {MAX_FILES} 个"]})
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
        raise ActionForbidden("只能撤回本单位提交的配合材料", code="not_your_unit")
    if contribution.withdrawn_at is not None:
        raise TransitionRefused("该配合材料已撤回", code="already_withdrawn")
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
        raise InvalidInput("得分有误", code="bad_score", errors={"score": [f"得分应在 0 到 {points} 之间"]})
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


# ---------------------------------------------------------------------------- cards


def _locked_card(*, actor, card_id) -> Card:
    return CARD_FLOW.lock(lambda: card_get_for(user=actor, card_id=card_id))


@transaction.atomic
def card_appeal(*, actor, card_id, reason: str, now=None) -> Card:
    card = _locked_card(actor=actor, card_id=card_id)
    if not permissions.is_unit_member(actor, card.unit_id):
        raise ActionForbidden("只有被警示单位可以申诉", code="not_your_unit")
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


# ---------------------------------------------------------------------------- inspections


def _coordinate(value, field: str, limit: int):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput("位置有误", errors={field: ["应为数字"]}) from None
    if not number.is_finite() or abs(number) > limit:
        raise InvalidInput("位置有误", errors={field: ["超出范围"]})
    return number.quantize(Decimal("0.000001"))


@transaction.atomic
def site_create(*, actor, name: str, kind: str, unit_id, address: str = "", latitude=None, longitude=None) -> Site:
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有文明办或督查员可以登记点位", code="office_only")
    name = _text(name, "name", max_length=100)
    if kind not in SiteKind.values:
        raise InvalidInput("点位类型有误", errors={"kind": ["未知的点位类型"]})
    unit = unit_get_for(user=actor, unit_id=unit_id)
    if Site.objects.filter(district=unit.district, name=name).exists():
        raise InvalidInput("点位已存在", errors={"name": ["同名点位已存在"]})
    return Site.objects.create(district=unit.district, name=name, kind=kind, unit=unit,
                               address=_text(address, "address", required=False, max_length=200),
                               latitude=_coordinate(latitude, "latitude", 90),
                               longitude=_coordinate(longitude, "longitude", 180))


def suggest_unit(*, actor, site_id):
    """The unit a problem at this site goes to: the site's responsible unit."""
    return site_get_for(user=actor, site_id=site_id).unit


MAX_ROUND_SITES = 60


def _round_people_and_sites(*, actor, inspector_ids, site_ids):
    errors = {}
    ids = _ids(inspector_ids, "inspectors")
    inspectors = list(round_inspector_candidates(user=actor).filter(pk__in=ids))
    if len(inspectors) != len(ids):
        errors["inspectors"] = ["督查员不存在或不在本区"]
    sids = _ids(site_ids, "sites")
    if len(sids) > MAX_ROUND_SITES:
        errors["sites"] = [f"一轮最多 {MAX_ROUND_SITES} 个点位"]
    sites = {s.pk: s for s in site_list_for(user=actor).filter(pk__in=sids)}
    if len(sites) != len(sids) and "sites" not in errors:
        errors["sites"] = ["点位不存在"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    return inspectors, [sites[i] for i in sids]


@transaction.atomic
def round_create(*, actor, title: str = "", date, inspector_ids=None, site_ids=(), note: str = "") -> InspectionRound:
    """Plan a weekly round: date, inspectors (default: whoever plans it, if an inspector) and sites."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以发起督查", code="inspector_only")
    district = Node.objects.get(pk=district_id_of(actor))
    title = _text(title, "title", required=False, max_length=100) or f"{date.month}月{date.day}日督查"
    note = _text(note, "note", required=False, max_length=300)
    if inspector_ids is None:
        inspector_ids = [actor.pk]
    inspectors, sites = _round_people_and_sites(actor=actor, inspector_ids=inspector_ids, site_ids=site_ids)
    rnd = InspectionRound.objects.create(district=district, title=title, date=date, inspector=actor, note=note)
    rnd.inspectors.set(inspectors)
    RoundSite.objects.bulk_create([RoundSite(round=rnd, site=s, sort=i) for i, s in enumerate(sites)])
    event_write(district_id=district.pk, target="round", target_id=rnd.pk, actor=actor, action="plan",
                note=f"{date:%Y-%m-%d} {title}：{len(inspectors)} 名督查员，{len(sites)} 个点位",
                data={"inspectors": [u.pk for u in inspectors], "sites": [s.pk for s in sites]})
    return rnd


@transaction.atomic
def round_update(*, actor, round_id, title: str, date, inspector_ids, site_ids, note: str = "") -> InspectionRound:
    """Change a round's plan. A site already checked or with problems recorded stays on it."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以安排督查", code="inspector_only")
    rnd = round_get_for(user=actor, round_id=round_id)
    list(InspectionRound.objects.select_for_update().filter(pk=rnd.pk).values_list("pk", flat=True))
    inspectors, sites = _round_people_and_sites(actor=actor, inspector_ids=inspector_ids, site_ids=site_ids)
    wanted = {s.pk for s in sites}
    stops = {st.site_id: st for st in RoundSite.objects.filter(round=rnd)}
    with_problems = set(rnd.problems.values_list("site_id", flat=True))
    kept = [sid for sid, st in stops.items() if sid not in wanted and (st.checked_at or sid in with_problems)]
    if kept:
        names = "、".join(Site.objects.filter(pk__in=kept).values_list("name", flat=True))
        raise InvalidInput("已检查的点位不能移出", code="site_checked", errors={"sites": [f"已检查：{names}"]})
    rnd.title = _text(title, "title", required=False, max_length=100) or rnd.title
    rnd.date = date
    rnd.note = _text(note, "note", required=False, max_length=300)
    rnd.save(update_fields=["title", "date", "note"])
    rnd.inspectors.set(inspectors)
    RoundSite.objects.filter(round=rnd).exclude(site_id__in=wanted).delete()
    for i, site in enumerate(sites):
        RoundSite.objects.update_or_create(round=rnd, site=site, defaults={"sort": i})
    event_write(district_id=rnd.district_id, target="round", target_id=rnd.pk, actor=actor, action="update",
                note=f"{rnd.date:%Y-%m-%d} {rnd.title}：{len(inspectors)} 名督查员，{len(sites)} 个点位",
                data={"inspectors": [u.pk for u in inspectors], "sites": [s.pk for s in sites]})
    return rnd


def _stop_checked(*, rnd, site, actor, now) -> RoundSite:
    """Mark a site of a round as visited; a site off the plan joins it (the inspector went there)."""
    stop, _ = RoundSite.objects.get_or_create(
        round=rnd, site=site, defaults={"sort": RoundSite.objects.filter(round=rnd).count()})
    if stop.checked_at is None:
        RoundSite.objects.filter(pk=stop.pk, checked_at__isnull=True).update(checked_at=now, checked_by=actor)
        stop.refresh_from_db()
    return stop


@transaction.atomic
def round_site_check(*, actor, round_id, site_id, now=None) -> RoundSite:
    """The inspector has been to a site of the round and found nothing to record."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以督查", code="inspector_only")
    rnd = round_get_for(user=actor, round_id=round_id)
    stop = RoundSite.objects.filter(round=rnd, site_id=record_id(site_id) or 0).first()
    if stop is None:
        raise InvalidInput("点位不在本轮计划中", errors={"site": ["点位不在本轮计划中"]})
    now = now or timezone.now()
    if stop.checked_at is None:
        stop = _stop_checked(rnd=rnd, site=stop.site, actor=actor, now=now)
        event_write(district_id=rnd.district_id, target="round", target_id=rnd.pk, actor=actor, action="check",
                    at=now, note=f"{stop.site.name}：已检查", data={"site": stop.site_id})
    return stop


@transaction.atomic
def problem_record(*, actor, description: str, site_id=None, unit_id=None, round_id=None, photos=(),
                   latitude=None, longitude=None, deadline_days: int | None = None, now=None) -> Problem:
    """An inspector records a problem on a phone; a rectification order goes to the unit at once."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以登记问题", code="inspector_only")
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
        raise InvalidInput("请上传现场照片", code="photo_required", errors={"photos": ["请上传现场照片"]})
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
        raise ActionForbidden("只有责任单位可以报告整改", code="not_your_unit")
    report = _text(report, "report")
    photos = list(photos or [])
    if not photos:
        raise InvalidInput("请上传整改后照片", code="photo_required", errors={"photos": ["请上传整改后照片"]})
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
        raise ActionForbidden("只有督查员可以复查", code="inspector_only")
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
