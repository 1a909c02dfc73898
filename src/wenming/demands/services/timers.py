"""What the clock does: the periodic job's automatic urge and escalation of an overdue assignment."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenming.demands import notices
from wenming.demands.choices import (
    EventKind,
)
from wenming.demands.models import (
    Assignment,
    Demand,
    Urge,
)
from wenming.demands.services.steps import A, record


@transaction.atomic
def assignment_auto_urge(*, assignment_id, now=None) -> bool:
    """The periodic job's step for one overdue assignment: level 1 when its deadline has passed,
    level 2 (escalated to the district) when another full deadline has passed. Idempotent:
    one urge per assignment and level, enforced by a unique constraint."""
    now = now or timezone.now()
    a = Assignment.objects.select_related("demand", "department").filter(pk=assignment_id).first()
    if a is None:
        return False
    list(Demand.objects.select_for_update().filter(pk=a.demand_id).values_list("pk", flat=True))
    a.refresh_from_db()
    if a.status == A.PENDING:
        due, span = a.sign_due_at, a.sign_due_at - a.assigned_at
    elif a.status == A.SIGNED and a.is_lead:
        due, span = a.reply_due_at, a.reply_due_at - (a.signed_at or a.assigned_at)
    else:
        return False
    if due >= now:
        return False
    level = 2 if now > due + span else 1
    if Urge.objects.filter(assignment=a, auto_level__gte=level).exists():
        return False
    demand = a.demand
    urge = Urge.objects.create(demand=demand, assignment=a, at=now, auto_level=level,
                               note=f"{a.department.name}{'签收' if a.status == A.PENDING else '办理'}超时")
    notices.urged(demand, urge, [a])
    Assignment.objects.filter(pk=a.pk).update(is_overdue=True, urge_level=level, version=F("version") + 1)
    Demand.objects.filter(pk=demand.pk).update(is_overdue=True, urge_count=F("urge_count") + 1,
                                               escalation_level=max(level, demand.escalation_level),
                                               version=F("version") + 1)
    record(demand, actor=None, kind=EventKind.URGE if level == 1 else EventKind.ESCALATE,
            from_status=demand.status, to_status=demand.status, at=now, assignment=a,
            note=f"{a.department.name}{'签收' if a.status == A.PENDING else '办理'}超时，"
                 f"{'自动督办' if level == 1 else '升级至区级督办'}", data={"level": level})
    return True
