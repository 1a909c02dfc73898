"""Cards, problems and accountability pages: cards and appeals, problems and rectification, measures."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenming.assessment import exports, permissions, selectors, services
from wenming.assessment.choices import (
    CARD_IN_FORCE,
    CardStatus,
    MeasureKind,
    ProblemStatus,
    SiteKind,
)
from wenming.assessment.views.common import _filter_label
from wenming.core.errors import NotFound
from wenming.core.excel import list_response, wants_xlsx
from wenming.core.inputs import bounded_int, is_digits
from wenming.core.pages import run_service

# ---------------------------------------------------------------------------- cards


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


# ---------------------------------------------------------------------------- problems and rectification


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


# ---------------------------------------------------------------------------- accountability


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
