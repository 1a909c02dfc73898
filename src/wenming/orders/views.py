"""Order pages. Each view parses the form, calls the same service the API calls, and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as DRFValidationError

from wenming.core.errors import DomainError, InvalidInput, NotFound
from wenming.core.excel import list_response, wants_xlsx
from wenming.core.pages import run_service
from wenming.core.workdays import edits_calendar, uncovered_years
from wenming.orders import exports, permissions, selectors, services
from wenming.orders.choices import DONE_STATUSES, DispatchMode, OfferStatus, OrderStatus
from wenming.orders.recommend import team_recommend
from wenming.orders.serializers import PlaceIn
from wenming.regions.models import Station
from wenming.regions.selectors import station_for_citizen

CONSOLE_TABS = [
    ("open", "待处理", [OrderStatus.SUBMITTED, OrderStatus.DISPATCHED]),
    ("accepted", "服务中", [OrderStatus.ACCEPTED]),
    ("completed", "待评价", [OrderStatus.COMPLETED]),
    ("closed", "已办结", [OrderStatus.RATED, OrderStatus.CANCELLED, OrderStatus.REJECTED]),
]


def _drf_errors(exc: DRFValidationError) -> dict:
    return {k: "；".join(str(m) for m in v) for k, v in exc.detail.items()}


def place(request):
    items = selectors.service_item_list()
    default_station = station_for_citizen(request.user) if request.user.is_authenticated else None
    data = request.POST if request.method == "POST" else {"service_item": request.GET.get("item", "")}
    errors = {}
    if request.method == "POST":
        raw = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken" and v != ""}
        parsed = PlaceIn(data=raw)
        try:
            parsed.is_valid(raise_exception=True)
            order = services.order_place(actor=request.user, data=services.PlaceInput(**parsed.validated_data))
        except DRFValidationError as exc:
            errors = _drf_errors(exc)
        except InvalidInput as exc:
            errors = {k: "；".join(v) for k, v in exc.errors.items()}
        else:
            if request.user.is_authenticated:
                return redirect("orders:detail", pk=order.pk)
            return render(request, "orders/placed.html", {"order": order})
    stations = Station.objects.select_related("node__parent").filter(kind="station").order_by("node__path")
    return render(request, "orders/place.html", {
        "items": items, "data": data, "errors": errors, "default_station": default_station,
        "stations": stations,
        "phone_default": request.user.phone if request.user.is_authenticated else "",
        "name_default": request.user.full_name if request.user.is_authenticated else "",
    })


@login_required
def mine(request):
    if request.method == "POST":
        n = run_service(request, services.orders_claim, actor=request.user)
        if n:
            messages.success(request, f"已认领 {n} 个订单")
        return redirect("orders:mine")
    orders = selectors.order_list_for(user=request.user).filter(citizen=request.user).prefetch_related("events")
    return render(request, "orders/mine.html", {"orders": orders,
                                                "claimable": selectors.claimable_orders(request.user).count()})


@login_required
def tasks(request):
    tab = request.GET.get("tab", "todo")
    qs = selectors.leader_tasks_for(user=request.user)
    groups = {
        "todo": qs.filter(status=OrderStatus.DISPATCHED),
        "serving": qs.filter(status=OrderStatus.ACCEPTED),
        "done": qs.filter(status__in=DONE_STATUSES),
    }
    orders = list(groups.get(tab, groups["todo"])[:100])
    taken = set(selectors.offers_taken_from(user=request.user, order_ids=[o.pk for o in orders]))
    return render(request, "orders/tasks.html", {
        "tab": tab, "orders": orders, "taken": taken,
        "counts": {k: v.count() for k, v in groups.items()},
    })


@login_required
def console(request):
    if not (permissions.is_dispatcher(request.user) or request.user.role == "leader"):
        raise NotFound()
    tab = request.GET.get("tab", "open")
    if tab not in {k for k, _, _ in CONSOLE_TABS}:
        tab = "open"
    label, statuses = next((lbl, s) for k, lbl, s in CONSOLE_TABS if k == tab)
    if tab == "open":
        qs = selectors.dispatch_queue_for(user=request.user)
    else:
        qs = selectors.order_list_for(user=request.user).filter(status__in=statuses).order_by("-is_overdue", "due_at", "-id")
    q = " ".join(request.GET.get("q", "").split())[:50]
    qs = selectors.orders_matching(qs, q)
    if wants_xlsx(request):
        return list_response(f"orders-{tab}", f"服务订单·{label}", exports.CONSOLE_COLUMNS, exports.console_rows(qs))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    summary = selectors.order_summary_for(user=request.user)
    return render(request, "orders/console.html", {
        "tab": tab, "tabs": CONSOLE_TABS, "page": page, "summary": summary, "q": q,
        # only those who can enter the holidays are told they are missing
        "calendar_warning": uncovered_years() if edits_calendar(request.user) else [],
    })


@login_required
def detail(request, pk):
    order = selectors.order_get_for(user=request.user, order_id=pk)
    actions = permissions.allowed_actions(request.user, order)
    ctx = {
        "order": order, "actions": actions, "events": selectors.order_events(order=order),
        "photos": order.photos.all(), "show_phone": permissions.can_see_contact(request.user, order),
    }
    if "dispatch" in actions:
        ctx["candidates"] = team_recommend(order=order, actor=request.user)
        ctx["eligible_count"] = services.eligible_teams(order=order, actor=request.user).count()
        ctx["grab_offers"] = order.offers.select_related("team") if order.dispatch_mode == DispatchMode.GRAB else []
    if "complete" in actions:
        ctx["members"] = order.team.members.all()
    if request.user.role == "team_leader":
        ctx["my_offer"] = order.offers.filter(team__leader=request.user).select_related("team").first()
        ctx["OfferStatus"] = OfferStatus
    return render(request, "orders/detail.html", ctx)


def _hours_from_form(post, order) -> list[dict]:
    lines = []
    for member in order.team.members.all():
        raw = post.get(f"hours_{member.pk}", "").strip()
        if raw and raw != "0":
            lines.append({"volunteer": member.pk, "hours": raw})
    return lines


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


@require_POST
@login_required
def act(request, pk, action):
    user, post = request.user, request.POST
    order = selectors.order_get_for(user=user, order_id=pk)
    messages_ok = {
        "dispatch": "已派单", "withdraw": "已撤回派单", "accept": "已接单，请按时上门服务", "decline": "已拒单，订单退回派单台",
        "complete": "已提交完成情况，服务时长已记入志愿者名下", "rate": "感谢您的评价！", "cancel": "订单已取消",
        "reject": "订单已驳回", "appoint": "服务时间已约定，已通知群众",
    }
    calls = {
        "dispatch": lambda: services.order_dispatch(order_id=pk, actor=user, team_id=post.get("team") or None,
                                                    mode=post.get("mode", DispatchMode.ASSIGN), note=post.get("note", "")),
        "withdraw": lambda: services.order_withdraw(order_id=pk, actor=user, reason=post.get("reason", "")),
        "accept": lambda: services.order_accept(order_id=pk, actor=user),
        "decline": lambda: services.order_decline(order_id=pk, actor=user, reason=post.get("reason", "")),
        "complete": lambda: services.order_complete(
            order_id=pk, actor=user, summary=post.get("summary", ""),
            served_count=_int_or_none(post.get("served_count")), hours=_hours_from_form(post, order),
            photos=request.FILES.getlist("photos")),
        "rate": lambda: services.order_rate(order_id=pk, actor=user, score=_int_or_none(post.get("score")),
                                            comment=post.get("comment", "")),
        "cancel": lambda: services.order_cancel(order_id=pk, actor=user, reason=post.get("reason", "")),
        "reject": lambda: services.order_reject(order_id=pk, actor=user, reason=post.get("reason", "")),
        "appoint": lambda: services.order_appoint(order_id=pk, actor=user, at=post.get("at", "")),
    }
    if action not in calls:
        raise NotFound()
    run_service(request, calls[action], success=messages_ok[action])
    target = post.get("next") or reverse("orders:detail", args=[pk])
    if not target.startswith("/"):
        target = reverse("orders:detail", args=[pk])
    try:
        selectors.order_get_for(user=user, order_id=pk)
    except DomainError:
        target = reverse("home")
    return redirect(target)

