"""Reads of demands, always through the caller's scope (out of scope looks like missing).

Who sees a demand: the citizen who reported it, the cadre who recorded it or answers for its
household, dispatchers/supervisors (station, institute, centre, office admins) and leaders
for their subtree, and a department's handlers when it was sent to their department.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from wenming.core import workflow
from wenming.core.errors import InvalidInput, NotFound
from wenming.demands import permissions
from wenming.demands.choices import (
    FINISHED_ASSIGNMENT,
    OPEN_STATUSES,
    AssignmentStatus,
    DemandStatus,
    EventKind,
    RequestStatus,
)
from wenming.demands.codes import Code
from wenming.demands.models import (
    Assignment,
    Category,
    Demand,
    DemandConfig,
    DemandEvent,
    DemandFollow,
    ExtensionRequest,
    Household,
    ReturnRequest,
    SatisfactionLevel,
)
from wenming.demands.permissions import SUPERVISOR_ROLES
from wenming.regions.choices import NodeKind, Role
from wenming.regions.models import Department, Node
from wenming.regions.selectors import in_scope, scope_q


def visibility_q(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    q = Q(reporter=user) | Q(recorded_by=user)
    if user.role in (Role.CITIZEN, Role.CADRE):  # staff see these through their scope anyway
        q |= Q(pk__in=DemandFollow.objects.filter(user=user).values("demand_id"))
    if user.role == Role.CADRE:
        q |= Q(household__cadre=user)
    if user.role in SUPERVISOR_ROLES or user.role == Role.LEADER:
        q |= scope_q(user, "path")
    if user.role == Role.DEPT_HANDLER and user.department_id:
        q |= Q(pk__in=Assignment.objects.filter(department_id=user.department_id).values("demand_id"))
    return q


def demand_list_for(*, user, status: str | None = None, overdue: bool | None = None) -> QuerySet[Demand]:
    qs = Demand.objects.filter(visibility_q(user))
    if status:
        qs = qs.filter(status__in=status.split(","))
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    return qs.select_related("category__parent", "node", "reporter", "satisfaction")


def demand_get_for(*, user, demand_id) -> Demand:
    try:
        pk = int(demand_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not -(2**63) < pk < 2**63:
        raise NotFound()
    demand = demand_list_for(user=user).filter(pk=pk).first()
    if demand is None:
        raise NotFound()
    return demand


def demand_events(*, demand: Demand) -> QuerySet[DemandEvent]:
    return demand.events.select_related("actor", "assignment__department").order_by("at", "id")


def live_assignments(demand: Demand) -> QuerySet[Assignment]:
    return demand.assignments.exclude(status__in=FINISHED_ASSIGNMENT).select_related("department")


def inbox_for(*, user, q: str = "", status: str = "") -> QuerySet[Assignment]:
    """A department's live assignments, due soonest first (the sign deadline while unsigned);
    those whose demand has `q`, or in one assignment `status` (pending / signed)."""
    if user.role != Role.DEPT_HANDLER or not user.department_id:
        return Assignment.objects.none()
    from django.db.models import Case, F, When

    due = Case(When(status=AssignmentStatus.PENDING, then=F("sign_due_at")), default=F("reply_due_at"))
    qs = (Assignment.objects.filter(department_id=user.department_id)
          .exclude(status__in=FINISHED_ASSIGNMENT).exclude(status=AssignmentStatus.REPLIED))
    if status in (AssignmentStatus.PENDING, AssignmentStatus.SIGNED):
        qs = qs.filter(status=status)
    q = " ".join(str(q or "").split())[:50]
    if q:
        qs = qs.filter(demand__in=_matching(Demand.objects.all(), q))
    return qs.annotate(due=due).select_related("demand__category__parent", "demand__node").order_by("due", "id")


def _matching(qs: QuerySet[Demand], q: str) -> QuerySet[Demand]:
    """Demands whose number, text, address or place has `q` (the boards' search)."""
    q = " ".join(str(q or "").split())[:50]
    if not q:
        return qs
    return qs.filter(Q(number__icontains=q) | Q(description__icontains=q) | Q(address__icontains=q)
                     | Q(node__name__icontains=q))


def claimable_demands(user) -> QuerySet[Demand]:
    """Demands raised for the phone `user` has proved is theirs (by SMS code) with no reporter
    account yet: by the hotline, on a cadre's visit. Only a citizen claims them."""
    if (getattr(user, "role", "") != Role.CITIZEN or not getattr(user, "phone_verified_at", None)
            or not getattr(user, "phone_digest", "")):
        return Demand.objects.none()
    return Demand.objects.filter(reporter__isnull=True, contact_digest=user.phone_digest)


def whistle_board_for(*, user, q: str = "") -> QuerySet[Demand]:
    """The dispatcher's board: demands waiting to be accepted or sent, oldest first. Each row carries
    `maybe_duplicate` (the 疑似重复 badge), computed in the same query (`with_duplicate_flag`)."""
    return with_duplicate_flag(_matching(
        demand_list_for(user=user).filter(status__in=[DemandStatus.RECEIVED, DemandStatus.ACCEPTED]), q)
        .order_by("collected_at", "id"))


def callback_queue_for(*, user, q: str = "") -> QuerySet[Demand]:
    """待回访: the replied demands of `user`'s scope, the longest waiting first, each with how many
    calls went unanswered (`call_attempts`) and `maybe_duplicate` like the board's rows."""
    attempts = Count("events", filter=Q(events__kind=EventKind.CALL_ATTEMPT))
    return with_duplicate_flag(_matching(demand_list_for(user=user).filter(status=DemandStatus.REPLIED), q)
                               .annotate(call_attempts=attempts).order_by("replied_at", "id"))


def with_duplicate_flag(qs: QuerySet[Demand]) -> QuerySet[Demand]:
    """Annotate `maybe_duplicate`: another demand of the same category and place (node), recorded
    within `duplicate_days` either side, that the demand page offers to merge into (not rejected,
    not merged) and that is either still open, or was among the candidates the person was shown
    and recorded anyway (`recorded_anyway`). Closed demands alone do not mark an unwarned one: a
    problem that comes back after it was closed is a new demand. One EXISTS per row inside the
    list's own query (index category, node, collected_at), so the board costs no extra queries."""
    from django.db.models import BooleanField, Case, Exists, OuterRef, When

    window = dt.timedelta(days=DemandConfig.current().duplicate_days)
    others = (Demand.objects.filter(category_id=OuterRef("category_id"), node_id=OuterRef("node_id"),
                                    collected_at__gte=OuterRef("collected_at") - window,
                                    collected_at__lte=OuterRef("collected_at") + window)
              .exclude(pk=OuterRef("pk")).exclude(status__in=[DemandStatus.MERGED, DemandStatus.REJECTED]))
    return qs.annotate(maybe_duplicate=Case(
        When(recorded_anyway=True, then=Exists(others)),
        default=Exists(others.filter(status__in=list(OPEN_STATUSES))), output_field=BooleanField()))


def overdue_for(*, user) -> QuerySet[Demand]:
    return (demand_list_for(user=user).filter(status__in=list(OPEN_STATUSES), is_overdue=True)
            .order_by("-escalation_level", "due_at", "id"))


def ledger_period(start: str | None, end: str | None, *, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The ledger's period from `?start=&end=` (YYYY-MM-DD, both days included). A missing start is
    the first day of this month, a missing end its last day; the period is at most one year."""
    today = today or timezone.localdate()
    month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    out = []
    for raw, default, label in ((start, today.replace(day=1), "开始日期"), (end, month_end, "结束日期")):
        raw = (raw or "").strip()
        if not raw:
            out.append(default)
            continue
        try:
            out.append(dt.date.fromisoformat(raw))
        except ValueError:
            raise InvalidInput(f"{label}「{raw[:20]}」不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-03-01。",
                               code=Code.BAD_DATE) from None
    first, last = out
    if last < first:
        raise InvalidInput("结束日期不能早于开始日期。", code=Code.BAD_PERIOD)
    try:
        limit = first.replace(year=first.year + 1)
    except ValueError:  # 29 February
        limit = first.replace(year=first.year + 1, day=28) + dt.timedelta(days=1)
    if last >= limit:
        raise InvalidInput("导出的时间范围最长一年，请缩短开始、结束日期后再导出。", code=Code.BAD_PERIOD)
    return first, last


def demand_ledger_for(*, user, start: dt.date, end: dt.date, status: str | None = None) -> QuerySet[Demand]:
    """The demand ledger (诉求台账): every demand the viewer may see that was recorded between the local
    days `start` and `end` (both included), oldest first, optionally of some statuses ("a,b").
    Each carries `ledger_assignments`: its departments still on it or done (not returned/withdrawn)."""
    from django.db.models import Prefetch

    statuses = [s for s in (status or "").split(",") if s.strip()]
    unknown = [s for s in statuses if s not in DemandStatus.values]
    if unknown:
        raise InvalidInput(f"未知的诉求状态：{'、'.join(x[:20] for x in unknown[:3])}。", code=Code.BAD_STATUS)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    current = (Assignment.objects.exclude(status__in=[AssignmentStatus.RETURNED, AssignmentStatus.WITHDRAWN])
               .select_related("department").order_by("-is_lead", "id"))
    return (demand_list_for(user=user, status=",".join(statuses) or None)
            .filter(collected_at__gte=since, collected_at__lt=until)
            .prefetch_related(Prefetch("assignments", queryset=current, to_attr="ledger_assignments"))
            .order_by("collected_at", "id"))


def pending_returns_for(*, user) -> QuerySet[ReturnRequest]:
    ids = demand_list_for(user=user).values("pk")
    return ReturnRequest.objects.filter(status=RequestStatus.PENDING, assignment__demand_id__in=ids).select_related(
        "assignment__department", "assignment__demand")


def pending_extensions_for(*, user) -> QuerySet[ExtensionRequest]:
    ids = demand_list_for(user=user).values("pk")
    return ExtensionRequest.objects.filter(status=RequestStatus.PENDING, assignment__demand_id__in=ids).select_related(
        "assignment__department", "assignment__demand")


def possible_duplicates(*, demand: Demand, user=None) -> QuerySet[Demand]:
    """Same category and place (node), collected within the configured number of days either side."""
    days = DemandConfig.current().duplicate_days
    window = dt.timedelta(days=days)
    qs = Demand.objects.filter(category_id=demand.category_id, node_id=demand.node_id,
                               collected_at__gte=demand.collected_at - window,
                               collected_at__lte=demand.collected_at + window).exclude(pk=demand.pk).exclude(
        status__in=[DemandStatus.MERGED, DemandStatus.REJECTED])
    if user is not None:
        qs = qs.filter(visibility_q(user))
    return qs.order_by("collected_at")


def category_list() -> QuerySet[Category]:
    """Active categories; `is_leaf` marks those a demand can be filed under on the pages."""
    from django.db.models import Exists, OuterRef

    children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return (Category.objects.filter(is_active=True).select_related("parent", "department")
            .annotate(has_children=Exists(children)))


def suggest_department(category: Category):
    """The configured department of the category, or of its parent."""
    while category is not None:
        if category.department_id:
            return category.department
        category = category.parent
    return None


# routing learned from the dispatchers' choices: how far back, how many examples at least, and
# what share the most chosen department needs before it replaces the configured one
ROUTING_WINDOW_DAYS = 180
ROUTING_MIN_EXAMPLES = 3
ROUTING_MIN_SHARE = 0.5


def _mapped(category: Category) -> tuple:
    c = category
    while c is not None:
        if c.department_id:
            where = f"分类「{category.name}」" if c.pk == category.pk else f"上级分类「{c.name}」"
            return c.department, f"按{where}配置的默认承办部门"
        c = c.parent
    return None, ""


def routing_suggestion(*, category: Category, node: Node, now=None) -> tuple:
    """The department to suggest for a demand of `category` at `node`, and why (shown to the operator).

    The configured category → department mapping comes first. Dispatchers' choices are kept as
    labelled examples (`RoutingExample`); where some of them overrode the suggestion, the examples
    of the same category in the same place decide instead: the community first, then its town,
    then the district, the narrowest with at least ROUTING_MIN_EXAMPLES examples in the last
    ROUTING_WINDOW_DAYS days. If the department chosen most there (more than half of them) is not
    the configured one, it is suggested, with the counts as the reason."""
    from wenming.demands.models import RoutingExample

    mapped, reason = _mapped(category)
    now = now or timezone.now()
    rows = list(RoutingExample.objects.filter(category=category, at__gte=now - dt.timedelta(days=ROUTING_WINDOW_DAYS))
                .order_by("-at", "-id").values_list("chosen_id", "overridden", "demand__path")[:500])
    if not rows or not any(overridden for _, overridden, _ in rows):
        return mapped, reason or "该分类未配置承办部门，请调度员选择"
    levels = []
    parts = node.path.strip("/").split("/")
    for depth, label in ((len(parts), f"本{node.get_kind_display()}"), (2, "本乡镇/街道"), (1, "全区")):
        if depth > len(parts):
            continue
        prefix = "/" + "/".join(parts[:depth]) + "/"
        if levels and levels[-1][0] == prefix:
            continue
        levels.append((prefix, label))
    for prefix, label in levels:
        here = [chosen for chosen, _, path in rows if path.startswith(prefix)]
        if len(here) < ROUTING_MIN_EXAMPLES:
            continue
        counts: dict = {}
        for chosen in here:
            counts[chosen] = counts.get(chosen, 0) + 1
        top, n = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
        if n / len(here) <= ROUTING_MIN_SHARE or (mapped is not None and top == mapped.pk):
            break  # the examples agree with the mapping, or do not agree among themselves
        from wenming.regions.models import Department

        dep = Department.objects.filter(pk=top).first()
        if dep is None:
            break
        was = f"（默认部门为{mapped.name}）" if mapped is not None else ""
        return dep, f"{label}近{ROUTING_WINDOW_DAYS}天同类诉求派单 {len(here)} 次，{n} 次由调度员派给{dep.name}{was}"
    return mapped, reason or "该分类未配置承办部门，请调度员选择"


def household_list_for(*, user) -> QuerySet[Household]:
    if not getattr(user, "is_authenticated", False):
        return Household.objects.none()
    if user.is_superuser:
        return Household.objects.all()
    if user.role == Role.CADRE:
        return Household.objects.filter(cadre=user).select_related("node")
    if user.role in SUPERVISOR_ROLES or user.role == Role.LEADER:
        return Household.objects.filter(scope_q(user, "path")).select_related("node", "cadre")
    return Household.objects.none()


def household_get_for(*, user, household_id) -> Household:
    try:
        pk = int(household_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    h = household_list_for(user=user).filter(pk=pk).first() if -(2**63) < pk < 2**63 else None
    if h is None:
        raise NotFound()
    return h


def overdue_assignments(*, now=None) -> QuerySet[Assignment]:
    now = now or timezone.now()
    return Assignment.objects.filter(
        Q(status=AssignmentStatus.PENDING, sign_due_at__lt=now)
        | Q(status=AssignmentStatus.SIGNED, is_lead=True, reply_due_at__lt=now))


SIGN_REMINDER = dt.timedelta(minutes=30)


def assignments_to_sign_soon(*, now=None) -> QuerySet[Assignment]:
    """Unsigned assignments whose signing deadline (by default two working hours) passes within
    SIGN_REMINDER: their department is reminded before it does."""
    now = now or timezone.now()
    return Assignment.objects.filter(status=AssignmentStatus.PENDING, sign_due_at__gt=now,
                                     sign_due_at__lte=now + SIGN_REMINDER).select_related("demand", "department")


def rates_unit_for(*, user, department=None, node=None) -> tuple[int | None, int | None]:
    """Which department and which place a rates query of `user` is about (ids from the query,
    or None): a department's clerk sees their own department only, a node outside the caller's
    scope does not exist for them (404); with neither given, a town or station admin's own node."""
    department_id = node_id = None
    if department not in (None, ""):
        department_id = workflow.number(department, "department")
        if user.role == Role.DEPT_HANDLER and department_id != user.department_id:
            raise NotFound()
    elif user.role == Role.DEPT_HANDLER:
        department_id = user.department_id
    if node not in (None, ""):
        found = Node.objects.filter(pk=workflow.number(node, "node")).first()
        if found is None or not in_scope(user, found):
            raise NotFound()
        node_id = found.pk
    elif user.role != Role.DEPT_HANDLER and not user.is_superuser and user.node_id:
        node_id = user.node_id if user.node.kind != NodeKind.DISTRICT else None
    return department_id, node_id


def unit_rates(*, department_id: int | None = None, node_id: int | None = None, start, end, as_of=None) -> dict:
    """The seven rates and raw counts of a department or a town/community for [start, end).

    Stable entry point for other apps (the assessment's quarterly evaluation); see rates.py
    and docs/DEMANDS.md for the definitions.
    """
    from wenming.demands.rates import unit_rates as compute

    return compute(department_id=department_id, node_id=node_id, start=start, end=end, as_of=as_of)


def _category_chain(category) -> list:
    """The category and its ancestors, nearest first."""
    chain, seen = [], set()
    while category is not None and category.pk not in seen:
        chain.append(category)
        seen.add(category.pk)
        category = category.parent
    return chain


def deadline_limits(*, department_id, category, config: DemandConfig | None = None) -> dict:
    """The sign and handling limits for one department on a demand of `category`.

    Each limit is taken from the most specific rule that sets it: department + category
    (the category itself, then its parents), category alone (same order), department alone,
    then the office default (`DemandConfig`). Returns the two limits and, for each, where it
    came from (shown on the pages)."""
    from wenming.demands.models import DeadlineRule

    config = config or DemandConfig.current()
    chain = _category_chain(category)
    ids = [c.pk for c in chain]
    rules = list(DeadlineRule.objects.filter(
        Q(department_id=department_id, category_id__in=ids) | Q(department__isnull=True, category_id__in=ids)
        | Q(department_id=department_id, category__isnull=True)).select_related("department", "category"))
    order = ([(department_id, cid) for cid in ids] + [(None, cid) for cid in ids] + [(department_id, None)])
    by_key = {(r.department_id, r.category_id): r for r in rules}
    ranked = [by_key[k] for k in order if k in by_key]
    out = {"sign_hours": config.sign_hours, "handle_days": config.handle_days,
           "sign_source": "默认", "handle_source": "默认"}
    for name, source in (("sign_hours", "sign_source"), ("handle_days", "handle_source")):
        for rule in ranked:
            if getattr(rule, name):
                out[name] = getattr(rule, name)
                out[source] = str(rule)
                break
    return out


def deadline_rules() -> QuerySet:
    from wenming.demands.models import DeadlineRule

    return DeadlineRule.objects.select_related("department", "category__parent")


def similar_open(*, category, node, now=None) -> QuerySet[Demand]:
    """Open demands of the same category and place recorded within the configured days before `now`:
    what a person recording a new one is warned about. Closed ones are left out: a problem that
    comes back after it was closed is a new demand."""
    now = now or timezone.now()
    window = dt.timedelta(days=DemandConfig.current().duplicate_days)
    return (Demand.objects.filter(category=category, node=node, status__in=list(OPEN_STATUSES),
                                  collected_at__gte=now - window, collected_at__lte=now)
            .select_related("category__parent", "node").order_by("-collected_at", "-id"))


def followed_by(*, user) -> QuerySet[Demand]:
    return Demand.objects.filter(follows__user=user).select_related("category__parent", "node", "satisfaction")


def demand_photo_readable(user, photo) -> bool:
    """A report's or a reply's photo is shown to those who see its demand (core.media)."""
    return Demand.objects.filter(visibility_q(user), pk=photo.demand_id).exists()


def demand_page_for(*, user, demand_id) -> dict:
    """What the demand's page shows `user` (404 outside their scope): the actions they may take,
    their department's assignment, the phone only to those who handle or raised it, the requests
    waiting for their decision, and what each of their actions needs (departments with the
    suggested one first, possible duplicates, satisfaction levels)."""
    d = demand_get_for(user=user, demand_id=demand_id)
    actions = permissions.allowed_actions(user, d)
    mine = permissions.my_assignment(user, d)
    dispatcher = permissions.is_dispatcher(user)
    handles = dispatcher or mine is not None
    pending = RequestStatus.PENDING
    page = {
        "d": d, "actions": actions, "mine": mine, "is_dispatcher": dispatcher,
        "assignments": d.assignments.select_related("department").order_by("-is_lead", "id"),
        "events": demand_events(demand=d), "photos": d.photos.all(),
        "show_phone": handles or user.pk in (d.reporter_id, d.recorded_by_id),
        "returns": d.assignments.filter(return_requests__status=pending).exists(),
        "pending_return": None, "pending_extension": None,
        # the reports merged into this one (their reporters' own records), for those who handle it
        "merged_here": list(d.duplicates.order_by("collected_at")[:20]) if handles else [],
        # a report merged by a dispatcher: its citizen may not see the target, so no dead link to it
        "merged_into_visible": bool(d.merged_into_id) and demand_list_for(user=user).filter(
            pk=d.merged_into_id).exists(),
    }
    if dispatcher:
        page["pending_return"] = (ReturnRequest.objects.filter(assignment__demand=d, status=pending)
                                  .select_related("assignment__department").first())
    if permissions.can_approve_extension(user):
        page["pending_extension"] = (ExtensionRequest.objects.filter(assignment__demand=d, status=pending)
                                     .select_related("assignment__department").first())
    if "assign" in actions:
        deps = list(Department.objects.filter(node_id=d.district_id).order_by("name"))
        page["departments"] = sorted(deps, key=lambda x: x.pk != d.suggested_department_id)  # suggestion first
        page["suggested"] = d.suggested_department_id
    if "merge" in actions:
        page["duplicates"] = possible_duplicates(demand=d, user=user)[:10]
    if "callback" in actions or "rate" in actions:
        page["levels"] = SatisfactionLevel.objects.all()
    return page


def status_counts_for(*, user) -> dict[str, int]:
    """How many demands of `user`'s scope are in each status (every status named, zero or not)."""
    counts = dict.fromkeys(DemandStatus.values, 0)
    rows = demand_list_for(user=user).order_by().values("status").annotate(n=Count("id"))
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
