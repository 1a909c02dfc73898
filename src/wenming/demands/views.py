"""Demand pages. Each view parses the form, calls the same service the API calls, and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as DRFValidationError

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.excel import wants_xlsx
from wenming.core.pages import run_service
from wenming.core.uploads import held_count, held_photos, hold_photos, release_photos
from wenming.demands import exports, permissions, rates, selectors, services
from wenming.demands.choices import Channel, DemandStatus
from wenming.demands.serializers import DemandRecordIn
from wenming.regions.choices import STAFF_ROLES, NodeKind, Role
from wenming.regions.models import Department, Node
from wenming.regions.selectors import district_id_of, district_of

PROGRESS = [("received", "登记"), ("accepted", "受理"), ("assigned", "派单"), ("handling", "办理"),
            ("replied", "答复"), ("closed", "回访办结")]
ORDER = [s for s, _ in PROGRESS]


def _int_or_none(value):
    try:
        out = int(value)
    except (TypeError, ValueError):
        return None
    return out if -(2**63) < out < 2**63 else None


def _progress(demand):
    reached = ORDER.index(demand.status) if demand.status in ORDER else -1
    return [(label, i <= reached) for i, (_, label) in enumerate(PROGRESS)]


def _record_from_post(request, *, channel, household=None, visit=None):
    """Record from a form. A possible duplicate stops it (`DuplicatesFound`) unless the form says
    `force` (record anyway) or `merge_into` (record and merge into that one)."""
    raw = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "visit", "note") and v != ""}
    raw["channel"] = channel
    if household is not None:
        raw["household"] = household.pk
    parsed = DemandRecordIn(data=raw)
    parsed.is_valid(raise_exception=True)
    data = dict(parsed.validated_data)
    force, merge_into = data.pop("force"), data.pop("merge_into")
    # photos chosen before a duplicate warning are held for the person's decision
    data["photos"] = request.FILES.getlist("photos") or held_photos(request.session, request.POST.get("photo_token"))
    if visit is not None:
        data["visit"] = visit.pk
    record = services.RecordInput(**data)
    if merge_into is not None:
        return services.demand_record_merged(actor=request.user, data=record, into_id=merge_into)
    return services.demand_record(actor=request.user, data=record, warn_duplicates=not force,
                                      record_anyway=force)


def _duplicates_context(request, found) -> dict:
    photos = request.FILES.getlist("photos")
    token = hold_photos(request.session, photos) if photos else request.POST.get("photo_token", "")[:40]
    return {"duplicates": found.candidates, "duplicate_days": selectors.DemandConfig.current().duplicate_days,
            "photo_token": token, "held_count": held_count(request.session, token),
            "can_merge_as_dispatcher": permissions.is_dispatcher(request.user)}


def _form_errors(exc):
    if isinstance(exc, DRFValidationError):
        return {k: "；".join(str(m) for m in v) for k, v in exc.detail.items()}
    return {k: "；".join(v) for k, v in exc.errors.items()}


def _villages(user):
    district = district_of(user)
    qs = Node.objects.filter(kind__in=[NodeKind.VILLAGE, NodeKind.GRID]).select_related("parent")
    return qs.filter(path__startswith=district.path) if district else qs.none()


@login_required
def report(request):
    """A citizen's own report (群众自报): category, what and where, photos, an optional location."""
    if request.user.role not in (Role.CITIZEN, Role.CADRE) and not permissions.is_dispatcher(request.user):
        raise NotFound()
    errors, data = {}, request.POST if request.method == "POST" else {}
    dups = {}
    if request.method == "POST":
        channel = Channel.CITIZEN if request.user.role == Role.CITIZEN else Channel.GRID
        try:
            demand = _record_from_post(request, channel=channel)
        except services.DuplicatesFound as found:
            dups = _duplicates_context(request, found)
        except (DRFValidationError, InvalidInput) as exc:
            errors = _form_errors(exc)
        except (ActionForbidden, TransitionRefused) as exc:
            messages.error(request, exc.message)
        else:
            release_photos(request.session)
            if demand.merged_into_id:
                messages.success(request, f"已登记（编号 {demand.number}）并合并到 {demand.merged_into.number}，"
                                          "办理结果将同步给您。")
                return redirect("demands:detail", pk=demand.merged_into_id)
            messages.success(request, f"已提交，编号 {demand.number}。我们会尽快受理。")
            return redirect("demands:detail", pk=demand.pk)
    return render(request, "demands/report.html", {
        "categories": selectors.category_list(), "villages": _villages(request.user), "errors": errors,
        "data": data, **dups})


@login_required
def mine(request):
    if request.method == "POST":
        n = run_service(request, services.demands_claim, actor=request.user)
        if n:
            messages.success(request, f"已认领 {n} 件诉求")
        return redirect("demands:mine")
    qs = selectors.demand_list_for(user=request.user)
    qs = qs.filter(reporter=request.user) if request.user.role == Role.CITIZEN else qs.filter(
        recorded_by=request.user)
    return render(request, "demands/mine.html", {"demands": qs[:200],
                                                 "claimable": selectors.claimable_demands(request.user).count(),
                                                 "followed": selectors.followed_by(user=request.user)[:50]})


@login_required
def households(request):
    if request.user.role != Role.CADRE and not permissions.is_dispatcher(request.user):
        raise NotFound()
    qs = selectors.household_list_for(user=request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(head_name__contains=q) | qs.filter(address__contains=q)
    page = Paginator(qs.order_by("path", "address"), 50).get_page(request.GET.get("page"))
    return render(request, "demands/households.html", {"page": page, "q": q})


@login_required
def household(request, pk):
    """A household: record a visit and the demands raised in it (走访登记)."""
    h = selectors.household_get_for(user=request.user, household_id=pk)
    errors, data, dups = {}, {}, {}
    if request.method == "POST":
        data = request.POST
        try:
            from django.db import transaction

            with transaction.atomic():
                # "another demand from this visit" keeps the visit just recorded instead of adding one
                visit = h.visits.filter(pk=_int_or_none(request.POST.get("visit")), cadre=request.user).first()
                if visit is None:
                    visit = services.visit_record(actor=request.user, household_id=h.pk,
                                                  note=request.POST.get("note", ""))
                demand = None
                if request.POST.get("description", "").strip():
                    demand = _record_from_post(request, channel=Channel.VISIT, household=h, visit=visit)
        except services.DuplicatesFound as found:  # the visit rolled back too; saved with the choice
            dups = _duplicates_context(request, found)
        except (DRFValidationError, InvalidInput) as exc:
            errors = _form_errors(exc)
        except (ActionForbidden, TransitionRefused) as exc:
            messages.error(request, exc.message)
        else:
            release_photos(request.session)
            merged = f"，已合并到 {demand.merged_into.number}" if demand and demand.merged_into_id else ""
            messages.success(request, f"走访已登记{'，诉求编号 ' + demand.number if demand else ''}{merged}")
            return redirect(f"{reverse('demands:household', args=[h.pk])}?visit={visit.pk}")
    current = h.visits.filter(pk=_int_or_none(request.GET.get("visit")), cadre=request.user).first()
    return render(request, "demands/household.html", {"current_visit": current,
        "h": h, "phone": permissions.household_phone(request.user, h), "visits": h.visits.order_by("-at")[:10], "demands": h.demands.select_related("category")[:20],
        "categories": selectors.category_list(), "errors": errors, "data": data, **dups})


@login_required
def detail(request, pk):
    ctx = selectors.demand_page_for(user=request.user, demand_id=pk)
    ctx["progress"] = _progress(ctx["d"])
    return render(request, "demands/detail.html", ctx)


MESSAGES = {
    "accept": "已受理", "reject": "已不予受理", "merge": "已合并", "assign": "已派单", "sign": "已签收报到",
    "reply": "已答复，等待回访", "callback": "回访已记录", "rate": "感谢您的评价", "return": "退单申请已提交，等待审批",
    "return_decide": "退单审批已完成", "extend": "延期申请已提交，等待上级审批", "extend_decide": "延期审批已完成",
    "urge": "已督办",
}


@require_POST
@login_required
def act(request, pk, action):
    user, post = request.user, request.POST
    selectors.demand_get_for(user=user, demand_id=pk)
    calls = {
        "accept": lambda: services.demand_accept(demand_id=pk, actor=user),
        "reject": lambda: services.demand_reject(demand_id=pk, actor=user, reason=post.get("reason", "")),
        "merge": lambda: services.demand_merge(demand_id=pk, actor=user, into_id=post.get("into")),
        "assign": lambda: services.demand_assign(demand_id=pk, actor=user, departments=post.getlist("departments"),
                                                 lead=post.get("lead") or None, note=post.get("note", "")),
        "sign": lambda: services.demand_sign(demand_id=pk, actor=user),
        "reply": lambda: services.demand_reply(demand_id=pk, actor=user, reply=post.get("reply", ""),
                                               photos=request.FILES.getlist("photos")),
        "callback": lambda: services.demand_callback(demand_id=pk, actor=user, level=post.get("level", ""),
                                                     note=post.get("note", "")),
        "rate": lambda: services.demand_callback(demand_id=pk, actor=user, level=post.get("level", ""),
                                                 note=post.get("note", "")),
        "return": lambda: services.return_request(demand_id=pk, actor=user, reason=post.get("reason", ""),
                                                  mis_dispatch=post.get("mis_dispatch") == "1"),
        "return_decide": lambda: services.return_decide(demand_id=pk, actor=user, approve=post.get("approve") == "1",
                                                        note=post.get("note", "")),
        "extend": lambda: services.extension_request(demand_id=pk, actor=user, days=post.get("days"),
                                                     reason=post.get("reason", "")),
        "extend_decide": lambda: services.extension_decide(demand_id=pk, actor=user,
                                                           approve=post.get("approve") == "1",
                                                           note=post.get("note", "")),
        "urge": lambda: services.demand_urge(demand_id=pk, actor=user, note=post.get("note", "")),
    }
    if action not in calls:
        raise NotFound()
    run_service(request, calls[action], success=MESSAGES[action])
    try:
        selectors.demand_get_for(user=user, demand_id=pk)
    except NotFound:
        return redirect(reverse("home"))
    return redirect("demands:detail", pk=pk)


@login_required
def inbox(request):
    """A department's work: unsigned first by their sign deadline, then by the handling deadline."""
    if request.user.role != Role.DEPT_HANDLER:
        raise NotFound()
    q, status = " ".join(request.GET.get("q", "").split())[:50], request.GET.get("status", "")[:20]
    found = selectors.inbox_for(user=request.user, q=q, status=status)
    if wants_xlsx(request):
        return exports.inbox_response(found, request.user.department)
    items = list(found[:200])
    return render(request, "demands/inbox.html", {"items": items, "now": timezone.now(), "q": q, "status": status,
                                                  "department": request.user.department,
                                                  "ledger": _ledger_defaults(),
                                                  "rates": _month_rates(department_id=request.user.department_id)})


def _month_rates(**unit):
    """This month's three rates for the header of a page (the same selector as everywhere)."""
    start, end = rates.month_bounds(timezone.localdate().strftime("%Y-%m"))
    return selectors.unit_rates(start=start, end=end, **unit)


def _staff(user):
    if not (user.is_superuser or user.role in STAFF_ROLES):
        raise NotFound()


@login_required
def board(request):
    """The community's whistle board: demands to accept and send, and requests to decide."""
    if not permissions.is_dispatcher(request.user) and request.user.role != Role.LEADER:
        raise NotFound()
    tab = "callback" if request.GET.get("tab") == "callback" else "intake"
    q = " ".join(request.GET.get("q", "").split())[:50]
    qs = (selectors.callback_queue_for if tab == "callback" else selectors.whistle_board_for)(user=request.user, q=q)
    if wants_xlsx(request):
        return exports.board_response(qs)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    summary = selectors.status_counts_for(user=request.user)
    node = request.user.node if request.user.node_id and request.user.node.kind != NodeKind.DISTRICT else None
    return render(request, "demands/board.html", {
        "page": page, "summary": summary, "rates": _month_rates(node_id=node.pk if node else None), "returns": selectors.pending_returns_for(user=request.user)[:20],
        "extensions": selectors.pending_extensions_for(user=request.user)[:20]
        if permissions.can_approve_extension(request.user) else [],
        "ledger": _ledger_defaults(), "tab": tab, "q": q,
    })


def _ledger_defaults() -> dict:
    start, end = selectors.ledger_period(None, None)
    return {"start": start.isoformat(), "end": end.isoformat(), "statuses": DemandStatus.choices}


@login_required
def ledger(request):
    """The demand ledger (诉求台账) as Excel: every demand in the viewer's scope recorded in a period
    (`?start=&end=`, this month by default, at most a year), optionally `&status=a,b`."""
    _staff(request.user)
    start, end = selectors.ledger_period(request.GET.get("start"), request.GET.get("end"))
    qs = selectors.demand_ledger_for(user=request.user, start=start, end=end, status=request.GET.get("status"))
    return exports.ledger_response(qs, start, end)


@login_required
def overdue(request):
    _staff(request.user)
    if request.user.role == Role.DEPT_HANDLER:
        raise NotFound()
    qs = selectors.overdue_for(user=request.user).prefetch_related("assignments__department")
    if wants_xlsx(request):
        return exports.overdue_response(qs)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "demands/overdue.html", {"page": page,
                                                    "can_urge": permissions.is_dispatcher(request.user)})


def _ranking_args(request):
    group = request.GET.get("group", "department")
    if group not in rates.GROUPS:
        group = "department"
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        rates.month_bounds(month)
    except (TypeError, ValueError):
        month = timezone.localdate().strftime("%Y-%m")
    user = request.user
    district = district_id_of(user)
    return group, month, district


def _period(request):
    """A custom period from ?start=&end= (both dates, end inclusive on the page), or None."""
    import datetime as dt

    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
        end = dt.date.fromisoformat(request.GET.get("end", "")) + dt.timedelta(days=1)
    except ValueError:
        return None
    return (start, end) if start < end else None


def _ranking_for(request):
    group, month, district = _ranking_args(request)
    period = _period(request)
    if period:
        return rates.period_ranking(group=group, start=period[0], end=period[1], district_id=district), period
    return rates.monthly_ranking(group=group, month=month, district_id=district), None


@login_required
def rankings(request):
    _staff(request.user)
    group, month, district = _ranking_args(request)
    ranking, period = _ranking_for(request)
    today = timezone.localdate()
    months = []
    y, m = today.year, today.month
    for _ in range(12):
        months.append(f"{y}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    trend = None
    if not period:
        trend = rates.score_trend(group=group, month=month, district_id=district,
                                  highlight=[x.unit_id for x in (*ranking["red"], *ranking["black"])])
        trend["black"] = [x.unit_id for x in ranking["black"]]
    return render(request, "demands/rankings.html", {
        "r": ranking, "group": group, "month": month, "groups": rates.GROUPS, "months": months, "trend": trend,
        "labels": rates.RATE_LABELS, "period": period, "query": request.GET.urlencode()})


@login_required
def rankings_export(request):
    _staff(request.user)
    import io

    group, _month, _district = _ranking_args(request)
    ranking, period = _ranking_for(request)
    buf = io.BytesIO()
    rates.ranking_workbook(ranking).save(buf)
    month = f"{period[0]:%Y%m%d}-{period[1]:%Y%m%d}" if period else ranking["month"]  # ASCII file name
    resp = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="demand-ranking-{group}-{month}.xlsx"'
    return resp




@login_required
def deadlines(request):
    """The limits: office default, and the department / category rules that override it (时限设置)."""
    user = request.user
    if not (permissions.is_dispatcher(user) or user.role == Role.LEADER):
        raise NotFound()
    can_edit = permissions.can_configure(user)
    errors, data = {}, {}
    if request.method == "POST":
        if not can_edit:
            raise NotFound()
        if request.POST.get("delete"):
            run_service(request, services.deadline_rule_delete, actor=user, rule_id=request.POST["delete"],
                        success="已删除该规则，恢复使用上一级时限")
            return redirect("demands:deadlines")
        data = request.POST
        try:
            services.deadline_rule_save(actor=user, department=data.get("department"), category=data.get("category"),
                                        sign_hours=data.get("sign_hours"), handle_days=data.get("handle_days"),
                                        note=data.get("note", ""))
        except InvalidInput as exc:
            errors = _form_errors(exc)
        except ActionForbidden as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "时限规则已保存，此后的派单按新时限计算")
            return redirect("demands:deadlines")
    district = district_id_of(user)
    deps = Department.objects.order_by("name")
    if district:
        deps = deps.filter(node_id=district)
    rules = selectors.deadline_rules()
    if district:
        from django.db.models import Q

        rules = rules.filter(Q(department__isnull=True) | Q(department__node_id=district))
    return render(request, "demands/deadlines.html", {
        "config": selectors.DemandConfig.current(), "rules": rules, "departments": deps,
        "categories": selectors.category_list(), "can_edit": can_edit, "errors": errors, "data": data})
