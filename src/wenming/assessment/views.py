"""Creation-management pages. Each view parses the form, calls the same service the API calls,
and redirects; refusals become messages (core.pages.run_service)."""

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenming.assessment import exports, outreach, permissions, selectors, services
from wenming.assessment.bulletins import bulletin_issue
from wenming.assessment.choices import (
    CARD_IN_FORCE,
    AdCondition,
    AdKind,
    CardStatus,
    MeasureKind,
    NomineeCategory,
    ProblemStatus,
    SiteKind,
    TaskStatus,
)
from wenming.assessment.evaluation import (
    COMPONENT_LABEL,
    COMPONENTS,
    quarter_ranking,
    ranking_export,
)
from wenming.assessment.imports import (
    ImportErrors,
    indicators_import,
    responsibilities_import,
    system_export,
)
from wenming.assessment.periods import parse_quarter, period_of, quarter_of
from wenming.core.errors import DomainError, NotFound
from wenming.core.excel import list_response, wants_xlsx
from wenming.core.inputs import bounded_int, bounded_ints, is_digits, record_ids
from wenming.core.pages import run_service
from wenming.core.validators import mask_phone
from wenming.regions.choices import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _office_only(user):
    if not selectors.is_office(user):
        raise NotFound()


def _district_id(user):
    return selectors.district_id_of(user)


@login_required
def home(request):
    """The office's overview of the month; a unit goes straight to its tasks."""
    if not selectors.is_office(request.user):
        return redirect("assessment:tasks")
    period = request.GET.get("period") or period_of(timezone.now())
    tasks = list(selectors.task_list_for(user=request.user, period=period))
    now = timezone.now()
    counts = {s: sum(t.status == s for t in tasks) for s in TaskStatus.values}
    late = sum(1 for t in tasks if t.is_late(now))
    units, idle = [], 0
    for unit in selectors.unit_list_for(user=request.user):
        mine = [t for t in tasks if t.unit_id == unit.pk]
        if not mine:
            idle += 1
            continue
        units.append({"unit": unit, "total": len(mine), "filed": sum(t.first_submitted_at is not None for t in mine),
                      "approved": sum(t.status == TaskStatus.APPROVED for t in mine),
                      "late": sum(t.is_late(now) for t in mine)})
    # the units falling behind first
    units.sort(key=lambda u: (-u["late"], u["filed"] - u["total"], u["unit"].name))
    return render(request, "assessment/home.html", {
        "period": period, "counts": counts, "late": late, "units": units, "idle": idle,
        "review_count": selectors.review_queue_for(user=request.user).count(),
        "open_problems": selectors.problem_list_for(user=request.user, status="open,reported").count(),
        "cards": selectors.card_list_for(user=request.user, period=period).count(),
        "systems": selectors.system_list_for(user=request.user),
    })


def _filter_label(tab_label, period) -> str:
    """A sheet title's filter part; the month only when it is one (a sheet name refuses / ? * [ ])."""
    parts = [tab_label or "全部"]
    if period and re.fullmatch(r"\d{4}-\d{2}", period):
        parts.append(period)
    return "，".join(parts)


TASK_TABS = [("todo", "待申报", "pending,returned"), ("submitted", "待审核", "submitted"),
             ("approved", "已通过", "approved"), ("all", "全部", "")]


COOP_TAB = ("coop", "配合任务", "")


@login_required
def tasks(request):
    tab = request.GET.get("tab") or ("submitted" if selectors.is_office(request.user) else "todo")
    period = request.GET.get("period") or ""
    coop_qs = selectors.cooperating_task_list_for(user=request.user)
    tabs = TASK_TABS + ([COOP_TAB] if tab == "coop" or coop_qs.exists() else [])
    if tab == "coop":
        # the lead units' tasks this unit contributes to: open ones first, then the rest by month
        my_units = list(selectors.units_of(request.user).values_list("pk", flat=True))
        qs = (selectors.cooperating_task_list_for(user=request.user, period=period or None)
              .annotate(my_contributions=Count("contributions", filter=Q(contributions__unit_id__in=my_units,
                                                                         contributions__withdrawn_at__isnull=True)))
              .order_by("-period", "due_at", "id"))
    else:
        statuses = dict((k, s) for k, _, s in TASK_TABS).get(tab, "")
        qs = selectors.task_list_for(user=request.user, status=statuses or None, period=period or None)
        qs = qs.order_by("due_at", "id") if tab != "submitted" else qs.order_by("submitted_at", "id")
    now = timezone.now()
    if wants_xlsx(request):
        title = f"网报资料（{_filter_label(dict((k, label) for k, label, _ in tabs).get(tab), period)}）"
        return list_response("assessment-tasks", title, exports.task_columns(now), qs.iterator(chunk_size=2000))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for task in page.object_list:
        task.late = task.is_late(now)
    units = list(selectors.units_of(request.user))
    return render(request, "assessment/tasks.html", {
        "tab": tab, "tabs": tabs, "page": page, "period": period, "now": now, "units": units,
        "is_office": selectors.is_office(request.user),
    })


@login_required
def task_detail(request, pk):
    task = selectors.task_view_for(user=request.user, task_id=pk)
    is_open = task.status in services.CONTRIBUTION_OPEN
    coop_units = list(selectors.cooperating_units_on(user=request.user, task=task))
    actions = []
    if permissions.can_file(request.user, task) and is_open:
        actions.append("submit")
    if coop_units and is_open:
        actions.append("contribute")
    if permissions.is_office_admin(request.user) and task.status == TaskStatus.SUBMITTED:
        actions += ["approve", "return"]
    contributions = list(selectors.contribution_list_for(task=task))
    coop_ids = {u.pk for u in coop_units}
    for c in contributions:
        c.can_withdraw = is_open and c.unit_id in coop_ids
    return render(request, "assessment/task.html", {
        "task": task, "actions": actions, "late": task.is_late(timezone.now()),
        "files": task.files.all(), "events": selectors.events_for(target="task", target_id=task.pk),
        "contributions": contributions, "coop_units": coop_units,
        "is_coop_view": bool(coop_units) and not permissions.can_file(request.user, task)
        and not selectors.is_office(request.user),
        "can_see_unit": selectors.unit_list_for(user=request.user).filter(pk=task.unit_id).exists(),
        "contribution_max": services.CONTRIBUTION_MAX,
    })


@login_required
@require_POST
def task_act(request, pk, action):
    selectors.task_view_for(user=request.user, task_id=pk)  # out of scope: 404, not a message
    post = request.POST
    if action == "contribute":
        task = selectors.task_view_for(user=request.user, task_id=pk)
        if not selectors.cooperating_units_on(user=request.user, task=task).exists():
            raise NotFound()
        run_service(request, services.contribution_add, actor=request.user, task_id=pk, text=post.get("text", ""),
                    photos=request.FILES.getlist("photos"), documents=request.FILES.getlist("documents"),
                    success="配合材料已提交，牵头单位将收到通知")
        return redirect(reverse("assessment:task", args=[pk]) + "#contributions")
    selectors.task_get_for(user=request.user, task_id=pk)  # a cooperating unit only reads the task
    if action == "submit":
        run_service(request, services.task_submit, actor=request.user, task_id=pk, text=post.get("text", ""),
                    photos=request.FILES.getlist("photos"), documents=request.FILES.getlist("documents"),
                    success="资料已申报，等待审核")
    elif action == "approve":
        run_service(request, services.task_approve, actor=request.user, task_id=pk, score=post.get("score", ""),
                    note=post.get("note", ""), success="已审核通过")
    elif action == "return":
        run_service(request, services.task_return, actor=request.user, task_id=pk, reason=post.get("reason", ""),
                    success="已退回，单位将收到退回原因")
    else:
        raise NotFound()
    return redirect("assessment:task", pk=pk)


@login_required
@require_POST
def contribution_withdraw(request, pk, cid):
    contribution = selectors.contribution_get_for(user=request.user, contribution_id=cid)
    if contribution.task_id != pk:
        raise NotFound()
    run_service(request, services.contribution_withdraw, actor=request.user, contribution_id=cid,
                success="配合材料已撤回")
    return redirect(reverse("assessment:task", args=[pk]) + "#contributions")


# ---------------------------------------------------------------------------- indicators and matrix


@login_required
def indicators(request):
    _office_only(request.user)
    report, form = None, {"year": request.POST.get("year", timezone.localtime().year)}
    if request.method == "POST":
        kind = request.POST.get("kind", "system")
        try:
            if kind == "system":
                year = request.POST.get("year", "")
                system = indicators_import(actor=request.user, upload=request.FILES.get("file"),
                                           year=bounded_int(year, low=0, high=9999), name=request.POST.get("name", ""))
                messages.success(request, f"已导入 {system.year} 年度测评体系，共 "
                                          f"{system.indicators.filter(level=3).count()} 项三级指标")
            else:
                system = selectors.system_get_for(user=request.user, system_id=request.POST.get("system"))
                count = responsibilities_import(actor=request.user, upload=request.FILES.get("file"), system=system)
                messages.success(request, f"已导入责任分解 {count} 行")
            return redirect("assessment:system", pk=system.pk)
        except ImportErrors as exc:
            report = exc.rows
            messages.error(request, exc.message)
        except DomainError as exc:
            detail = "；".join(m for ms in exc.errors.values() for m in ms)
            messages.error(request, f"{exc.message}{'：' + detail if detail else ''}")
    return render(request, "assessment/indicators.html", {
        "systems": selectors.system_list_for(user=request.user), "report": report, "form": form,
    })


@login_required
def system_detail(request, pk):
    system = selectors.system_get_for(user=request.user, system_id=pk)
    matrix = {r.indicator_id: r for r in selectors.responsibility_list_for(user=request.user, system_id=system.pk)}
    rows = [(ind, matrix.get(ind.pk)) for ind in selectors.indicator_tree(system=system)]
    return render(request, "assessment/system.html", {
        "system": system, "rows": rows, "can_edit": permissions.is_office_admin(request.user),
    })


@login_required
def system_export_view(request, pk):
    system = selectors.system_get_for(user=request.user, system_id=pk)
    response = HttpResponse(system_export(system=system), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="indicators-{system.year}.xlsx"'
    return response


@login_required
def responsibility_edit(request, pk):
    resp = selectors.responsibility_get_for(user=request.user, responsibility_id=pk)
    if request.method == "POST":
        done = run_service(
            request, services.responsibility_update, actor=request.user, responsibility_id=pk,
            lead_unit_id=request.POST.get("lead_unit") or None,
            cooperating_unit_ids=record_ids(request.POST.getlist("cooperating_units")),
            person=request.POST.get("person", ""), months=bounded_ints(request.POST.getlist("months"), low=0, high=99),
            success="责任分解已保存")
        if done is not None:
            return redirect("assessment:system", pk=resp.indicator.system_id)
    return render(request, "assessment/responsibility.html", {
        "resp": resp, "units": selectors.unit_list_for(user=request.user), "month_range": range(1, 13),
        "coop_ids": set(resp.cooperating_units.values_list("pk", flat=True)),
    })


# ---------------------------------------------------------------------------- units and cards


@login_required
def unit_detail(request, pk):
    unit = selectors.unit_get_for(user=request.user, unit_id=pk)
    now = timezone.now()
    tasks = selectors.task_list_for(user=request.user, unit_id=unit.pk).order_by("-period", "indicator__sort")[:60]
    return render(request, "assessment/unit.html", {
        "unit": unit, "tasks": tasks, "now": now, "people": _people_rows(request.user, unit),
        "cards": selectors.card_list_for(user=request.user, unit_id=unit.pk),
        "problems": selectors.problem_list_for(user=request.user).filter(unit=unit)[:30],
        "measures": selectors.measure_list_for(user=request.user).filter(unit=unit),
        "my_units": set(selectors.units_of(request.user).values_list("pk", flat=True)),
        "is_admin": permissions.is_office_admin(request.user),
    })


def _people_rows(user, unit) -> list[dict]:
    """A unit's responsible person and contacts with their phones. The office calls units to chase
    filings and fixes: full numbers for office staff, masked for everyone else."""
    full = selectors.is_office(user)
    people = [("责任人", unit.responsible)] if unit.responsible_id else []
    people += [("联络员", c) for c in unit.contacts.all()]
    return [{"role": role, "name": u.display_name, "tel": full,
             "phone": (u.phone if full else mask_phone(u.phone)) if u.phone else ""} for role, u in people]


@login_required
def units(request):
    """单位联络人: every unit's responsible person and contacts; the office admin edits them."""
    rows = list(selectors.unit_list_for(user=request.user).select_related("district"))
    for unit in rows:
        unit.people = _people_rows(request.user, unit)
    missing = [u for u in rows if u.is_active and not u.contacts.all()]
    only_missing = request.GET.get("missing") == "1"
    if wants_xlsx(request):
        return list_response("assessment-units", "责任单位与联络人" + ("（未设置联络员）" if only_missing else ""),
                             exports.UNIT_COLUMNS, missing if only_missing else rows)
    return render(request, "assessment/units.html", {
        "units": missing if only_missing else rows, "is_admin": permissions.is_office_admin(request.user),
        "missing": len(missing), "total": len(rows), "only_missing": only_missing,
    })


@login_required
def unit_people(request, pk):
    if not permissions.is_office_admin(request.user):
        raise NotFound()
    unit = selectors.unit_get_for(user=request.user, unit_id=pk)
    if request.method == "POST":
        done = run_service(request, services.unit_set_people, actor=request.user, unit_id=pk,
                           responsible_id=request.POST.get("responsible") or None,
                           contact_ids=request.POST.getlist("contacts"), success=f"{unit.name}的联络人已保存")
        if done is not None:
            return redirect("assessment:units")
    return render(request, "assessment/unit_people.html", {
        "unit": unit, "candidates": selectors.unit_people_candidates(unit=unit),
        "contact_ids": {u.pk for u in unit.contacts.all()},
    })


CARD_TABS = {
    "force": CARD_IN_FORCE,
    "appealed": (CardStatus.APPEALED,),
    "void": (CardStatus.REVOKED, CardStatus.WITHDRAWN),
}
CARD_TAB_LABEL = {"force": "在效", "appealed": "申诉待处理", "void": "已撤销或撤回"}  # no "/": the title names the sheet


@login_required
def cards(request):
    qs = selectors.card_list_for(user=request.user, period=request.GET.get("period") or None)
    show = request.GET.get("show", "")
    statuses = CARD_TABS.get(show)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if wants_xlsx(request):
        # every card of the filter, not only the 200 the page lists
        title = f"红黄牌（{_filter_label(CARD_TAB_LABEL.get(show), request.GET.get('period', ''))}）"
        return list_response("assessment-cards", title, exports.CARD_COLUMNS, qs.iterator(chunk_size=2000))
    return render(request, "assessment/cards.html", {
        "cards": qs[:200], "is_admin": permissions.is_office_admin(request.user), "show": show,
        "period": request.GET.get("period", ""),
        "my_units": set(selectors.units_of(request.user).values_list("pk", flat=True)), "CardStatus": CardStatus,
    })


@login_required
@require_POST
def card_act(request, pk, action):
    selectors.card_get_for(user=request.user, card_id=pk)
    if action == "appeal":
        run_service(request, services.card_appeal, actor=request.user, card_id=pk, reason=request.POST.get("reason", ""),
                    success="申诉已提交，等待文明办处理")
    elif action in ("revoke", "uphold"):
        run_service(request, services.card_decide, actor=request.user, card_id=pk, revoke=action == "revoke",
                    note=request.POST.get("note", ""), success="申诉已处理")
    else:
        raise NotFound()
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/assessment/") else "assessment:cards")


# ---------------------------------------------------------------------------- inspections


PROBLEM_TAB_LABEL = {"open,reported": "整改中", "open": "待整改", "reported": "待复查", "closed": "已销号"}


@login_required
def problems(request):
    status = request.GET.get("status", "open,reported")
    qs = selectors.problem_list_for(user=request.user, status=status or None).order_by("due_at", "id")
    if wants_xlsx(request):
        rows = qs.select_related("round").prefetch_related(None).iterator(chunk_size=2000)
        title = f"督查问题与整改（{PROBLEM_TAB_LABEL.get(status, '全部' if not status else '按状态')}）"
        return list_response("assessment-problems", title, exports.problem_columns(timezone.now()), rows)
    return render(request, "assessment/problems.html", {
        "today_rounds": selectors.rounds_today_for(user=request.user, today=timezone.localdate())
        if selectors.is_office(request.user) else [],
        "page": Paginator(qs, 50).get_page(request.GET.get("page")), "status": status, "now": timezone.now(),
        "can_inspect": permissions.can_inspect(request.user),
    })


def _round_form(request):
    post = request.POST
    try:
        day = dt.date.fromisoformat(post.get("date", ""))
    except ValueError:
        messages.error(request, "请填写督查日期")
        return None
    return {"title": post.get("title", ""), "date": day, "note": post.get("note", ""),
            "inspector_ids": post.getlist("inspectors"), "site_ids": post.getlist("sites")}


def _round_choices(request):
    sites = list(selectors.site_list_for(user=request.user))
    kinds = dict(SiteKind.choices)
    groups = {}
    for site in sites:
        groups.setdefault(kinds.get(site.kind, site.kind), []).append(site)
    return {"inspectors": selectors.round_inspector_candidates(user=request.user), "site_groups": groups.items()}


def _posted_ids(request, name, *, default) -> set[int]:
    if request.method != "POST":
        return default
    return set(record_ids(request.POST.getlist(name)))


@login_required
def rounds(request):
    """周督查: plan a round; an inspector's rounds of today on top."""
    _office_only(request.user)
    can_plan = permissions.can_inspect(request.user)
    if request.method == "POST" and can_plan:
        form = _round_form(request)
        if form is not None:
            rnd = run_service(request, services.round_create, actor=request.user, success="督查已安排", **form)
            if rnd is not None:
                return redirect("assessment:round", pk=rnd.pk)
    today = timezone.localdate()
    all_rounds = selectors.round_list_for(user=request.user)
    return render(request, "assessment/rounds.html", {
        "today_rounds": selectors.rounds_today_for(user=request.user, today=today),
        "upcoming": all_rounds.filter(date__gt=today).order_by("date", "id")[:10],
        "past": all_rounds.filter(date__lt=today)[:12],
        "can_plan": can_plan, "today": today.isoformat(), "post": request.POST,
        # an inspector planning a round usually goes on it; an office admin usually sends others
        "post_inspectors": _posted_ids(request, "inspectors",
                                       default={request.user.pk} if request.user.role == Role.INSPECTOR else set()),
        "post_sites": _posted_ids(request, "sites", default=set()),
        **(_round_choices(request) if can_plan else {}),
    })


@login_required
def rounds_today(request):
    """The inspector's phone shortcut: straight into today's round when there is exactly one."""
    _office_only(request.user)
    mine = list(selectors.rounds_today_for(user=request.user, today=timezone.localdate())[:2])
    if len(mine) == 1:
        return redirect("assessment:round", pk=mine[0].pk)
    if not mine:
        messages.info(request, "今天没有安排给您的督查")
    return redirect("assessment:rounds")


@login_required
def round_detail(request, pk):
    rnd = selectors.round_get_for(user=request.user, round_id=pk)
    if request.method == "POST":
        run_service(request, services.round_site_check, actor=request.user, round_id=pk,
                    site_id=request.POST.get("site", ""), success="已记为检查无问题")
        return redirect(f"{request.path}#site-{request.POST.get('site', '')}")
    overview = selectors.round_overview(rnd=rnd, now=timezone.now())
    return render(request, "assessment/round.html", {
        "round": rnd, "can_inspect": permissions.can_inspect(request.user),
        "is_today": rnd.date == timezone.localdate(), "is_future": rnd.date > timezone.localdate(), **overview,
    })


@login_required
def round_edit(request, pk):
    if not permissions.can_inspect(request.user):
        raise NotFound()
    rnd = selectors.round_get_for(user=request.user, round_id=pk)
    if request.method == "POST":
        form = _round_form(request)
        if form is not None and run_service(request, services.round_update, actor=request.user, round_id=pk,
                                            success="督查安排已修改", **form) is not None:
            return redirect("assessment:round", pk=pk)
    return render(request, "assessment/round_edit.html", {
        "round": rnd, "chosen_inspectors": {u.pk for u in rnd.inspectors.all()},
        "chosen_sites": {st.site_id for st in rnd.stops.all()}, **_round_choices(request),
    })


@login_required
def problem_new(request):
    if not permissions.can_inspect(request.user):
        raise NotFound()
    if request.method == "POST":
        post = request.POST
        days = post.get("deadline_days", "")
        problem = run_service(
            request, services.problem_record, actor=request.user, description=post.get("description", ""),
            site_id=post.get("site") or None, unit_id=post.get("unit") or None, photos=request.FILES.getlist("photos"),
            round_id=post.get("round") or None,
            latitude=post.get("latitude") or None, longitude=post.get("longitude") or None,
            deadline_days=bounded_int(days, low=0, high=10_000), success="问题已登记，整改通知已发给责任单位")
        if problem is not None:
            if problem.round_id and post.get("back") == "round":
                return redirect(f"/assessment/rounds/{problem.round_id}/#site-{problem.site_id or ''}")
            return redirect("assessment:problem", pk=problem.pk)
    sites = selectors.site_list_for(user=request.user)
    today = timezone.localdate()
    rounds = list(selectors.round_list_for(user=request.user).filter(date__lte=today)[:5])
    chosen = request.POST or request.GET
    round_id = chosen.get("round", "")
    if not round_id and not request.POST:
        # by default the problem belongs to the round the inspector is on today, if any
        mine = selectors.rounds_today_for(user=request.user, today=today).first()
        round_id = str(mine.pk) if mine else ""
    from_round = bool(request.GET.get("round")) or request.POST.get("back") == "round"
    if is_digits(round_id) and not any(str(r.pk) == round_id for r in rounds):
        extra = selectors.round_list_for(user=request.user).filter(pk=round_id).first()
        rounds += [extra] if extra else []
    return render(request, "assessment/problem_new.html", {
        "sites": sites, "units": selectors.unit_list_for(user=request.user), "post": request.POST,
        "rounds": rounds, "round_id": round_id, "site_id": chosen.get("site", ""), "from_round": from_round,
        "site_kinds": SiteKind.choices,
    })


@login_required
def problem_detail(request, pk):
    problem = selectors.problem_get_for(user=request.user, problem_id=pk)
    return render(request, "assessment/problem.html", {
        "problem": problem, "now": timezone.now(),
        "can_report": problem.status == ProblemStatus.OPEN and permissions.is_unit_member(request.user, problem.unit_id),
        "can_recheck": problem.status == ProblemStatus.REPORTED and permissions.can_inspect(request.user),
        "events": selectors.events_for(target="problem", target_id=problem.pk),
    })


@login_required
@require_POST
def problem_act(request, pk, action):
    selectors.problem_get_for(user=request.user, problem_id=pk)
    if action == "report":
        run_service(request, services.problem_report_fix, actor=request.user, problem_id=pk,
                    report=request.POST.get("report", ""), photos=request.FILES.getlist("photos"),
                    success="整改情况已报告，等待复查")
    elif action == "recheck":
        passed = request.POST.get("passed") == "1"
        run_service(request, services.problem_recheck, actor=request.user, problem_id=pk, passed=passed,
                    note=request.POST.get("note", ""), success="已销号" if passed else "已退回重新整改")
    else:
        raise NotFound()
    return redirect("assessment:problem", pk=pk)


@login_required
def sites(request):
    if request.method == "POST":
        post = request.POST
        if run_service(request, services.site_create, actor=request.user, name=post.get("name", ""),
                       kind=post.get("kind", ""), unit_id=post.get("unit"), address=post.get("address", ""),
                       latitude=post.get("latitude") or None, longitude=post.get("longitude") or None,
                       success="点位已添加") is not None:
            return redirect("assessment:sites")
    return render(request, "assessment/sites.html", {
        "sites": selectors.site_list_for(user=request.user), "units": selectors.unit_list_for(user=request.user),
        "kinds": SiteKind.choices, "can_edit": permissions.can_inspect(request.user),
    })


# ---------------------------------------------------------------------------- accountability, bulletins, evaluation


@login_required
def measures(request):
    if request.method == "POST":
        post = request.POST
        try:
            date = dt.date.fromisoformat(post.get("date", ""))
        except ValueError:
            messages.error(request, "请填写日期")
        else:
            if run_service(request, services.measure_record, actor=request.user, unit_id=post.get("unit"),
                           kind=post.get("kind", ""), reason=post.get("reason", ""), person=post.get("person", ""),
                           date=date, success="问责记录已保存") is not None:
                return redirect("assessment:measures")
    return render(request, "assessment/measures.html", {
        "measures": selectors.measure_list_for(user=request.user)[:200], "units": selectors.unit_list_for(user=request.user),
        "kinds": MeasureKind.choices, "is_admin": permissions.is_office_admin(request.user),
        "today": timezone.localdate().isoformat(),
    })


@login_required
def bulletins(request):
    if request.method == "POST":
        bulletin = run_service(request, bulletin_issue, actor=request.user, period=request.POST.get("period", ""),
                               success="通报已生成并登记")
        if bulletin is not None:
            return redirect("assessment:bulletin", pk=bulletin.pk)
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return render(request, "assessment/bulletins.html", {
        "bulletins": selectors.bulletin_list_for(user=request.user),
        "is_admin": permissions.is_office_admin(request.user), "default_period": f"{last.year}-{last.month:02d}",
    })


@login_required
def bulletin_detail(request, pk):
    return render(request, "assessment/bulletin.html",
                  {"bulletin": selectors.bulletin_get_for(user=request.user, bulletin_id=pk)})


@login_required
def bulletin_download(request, pk):
    bulletin = selectors.bulletin_get_for(user=request.user, bulletin_id=pk)
    with bulletin.file.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.period}.docx"'
    return response


@login_required
def evaluation(request):
    _office_only(request.user)
    quarter = request.GET.get("quarter") or quarter_of(period_of(timezone.now()))
    try:
        parse_quarter(quarter)
    except DomainError:
        quarter = quarter_of(period_of(timezone.now()))
    rows = quarter_ranking(district_id=_district_id(request.user), quarter=quarter)
    if request.GET.get("export"):
        response = HttpResponse(ranking_export(rows=rows, title=f"{quarter} 季度考评排名"), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="evaluation-{quarter}.xlsx"'
        return response
    return render(request, "assessment/evaluation.html", {
        "quarter": quarter, "rows": rows, "components": [(c, COMPONENT_LABEL[c]) for c in COMPONENTS],
    })


# ---------------------------------------------------------------------------- ads, nominations, voting


@login_required
def ads(request):
    if request.method == "POST":
        post = request.POST
        if post.get("ad"):
            run_service(request, outreach.ad_check, actor=request.user, ad_id=post["ad"],
                        condition=post.get("condition", ""), note=post.get("note", ""),
                        photo=request.FILES.get("photo"), success="检查结果已记录")
        else:
            run_service(request, outreach.ad_record, actor=request.user, place=post.get("place", ""),
                        kind=post.get("kind", ""), size=post.get("size", ""), unit_id=post.get("unit") or None,
                        photo=request.FILES.get("photo"), condition=post.get("condition", "good"),
                        success="公益广告已登记")
        return redirect("assessment:ads")
    items = sorted(selectors.ad_list_for(user=request.user), key=lambda a: (not a.needs_replacement, a.place))
    return render(request, "assessment/ads.html", {
        "ads": items, "flagged": sum(a.needs_replacement for a in items), "kinds": AdKind.choices,
        "conditions": AdCondition.choices, "units": selectors.unit_list_for(user=request.user),
        "can_edit": permissions.can_inspect(request.user),
    })


@login_required
def campaigns(request):
    post = request.POST
    if request.method == "POST":
        if post.get("review"):
            run_service(request, outreach.nominee_review, actor=request.user, nominee_id=post["review"],
                        approve=post.get("approve") == "1", success="已审核")
        elif post.get("campaign"):
            run_service(request, outreach.nominee_nominate, actor=request.user, campaign_id=post["campaign"],
                        name=post.get("name", ""), category=post.get("category", ""), story=post.get("story", ""),
                        photo=request.FILES.get("photo"), success="推荐已提交，文明办审核后公示")
        else:
            try:
                starts, ends = dt.date.fromisoformat(post.get("starts_on", "")), dt.date.fromisoformat(post.get("ends_on", ""))
            except ValueError:
                messages.error(request, "请填写投票起止日期")
            else:
                run_service(request, outreach.campaign_create, actor=request.user, title=post.get("title", ""),
                            starts_on=starts, ends_on=ends, success="评选已创建")
        return redirect("assessment:campaigns")
    is_admin = permissions.is_office_admin(request.user)
    return render(request, "assessment/campaigns.html", {
        "campaigns": selectors.campaign_list_for(user=request.user)[:20], "is_admin": is_admin,
        "categories": NomineeCategory.choices,
        "pending": selectors.nominee_pending_for(user=request.user) if is_admin else [],
    })


def vote(request, pk):
    """The public voting page: no account needed."""
    from wenming.assessment.api import VOTER_COOKIE, cast_vote
    from wenming.assessment.models import Campaign

    campaign = Campaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise NotFound()
    new_cookie = None
    if request.method == "POST":
        result = run_service(request, cast_vote, request, nominee_id=request.POST.get("nominee"),
                             phone=request.POST.get("phone", "").strip(), success="投票成功，感谢参与！")
        if result is not None:
            new_cookie = result[1]
        response = redirect("assessment:vote", pk=pk)
    else:
        today = timezone.localdate()
        response = render(request, "assessment/vote.html", {
            "campaign": campaign, "nominees": selectors.nominee_list_public(campaign_id=campaign.pk),
            "open": campaign.starts_on <= today <= campaign.ends_on,
        })
    if new_cookie:
        response.set_cookie(VOTER_COOKIE, new_cookie, max_age=400 * 86400, httponly=True, samesite="Lax")
    return response
