"""Monthly materials pages: the office's overview, the task lists, a task and its actions, contributions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenming.assessment import exports, permissions, selectors, services
from wenming.assessment.choices import TaskStatus
from wenming.assessment.periods import period_of
from wenming.assessment.views.common import _filter_label
from wenming.core.errors import NotFound
from wenming.core.excel import list_response, wants_xlsx
from wenming.core.pages import run_service


@login_required
def home(request):
    """The office's overview of the month; a unit goes straight to its tasks."""
    if not selectors.is_office(request.user):
        return redirect("assessment:tasks")
    period = request.GET.get("period") or period_of(timezone.now())
    return render(request, "assessment/home.html", {
        "period": period, **selectors.month_overview_for(user=request.user, period=period),
        "review_count": selectors.review_queue_for(user=request.user).count(),
        "open_problems": selectors.problem_list_for(user=request.user, status="open,reported").count(),
        "cards": selectors.card_list_for(user=request.user, period=period).count(),
        "systems": selectors.system_list_for(user=request.user),
    })


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
        run_service(request, services.contribution_add, actor=request.user, task_id=pk, text=post.get("text", ""),
                    photos=request.FILES.getlist("photos"), documents=request.FILES.getlist("documents"),
                    success="配合材料已提交，牵头单位将收到通知")
        return redirect(reverse("assessment:task", args=[pk]) + "#contributions")
    try:
        selectors.task_get_for(user=request.user, task_id=pk)
    except NotFound:  # a cooperating unit reads the task and adds its material, nothing more
        messages.error(request, "配合单位只能查看本任务并提交配合材料，不能申报或审核")
        return redirect("assessment:task", pk=pk)
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
