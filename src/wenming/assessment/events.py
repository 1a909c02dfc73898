"""The assessment app's audit trail and its workflows on the kit (core.workflow).

Every assessment record (task, card, problem, round, unit, bulletin, nominee…) writes its
steps to the one `Event` table, named by target and id; the three state machines (material
tasks, cards, problems) are `Flow`s over it."""

from django.utils import timezone

from wenming.assessment.choices import (
    CARD_TRANSITIONS,
    PROBLEM_TRANSITIONS,
    TASK_ACTION_LABEL,
    TASK_TRANSITIONS,
)
from wenming.assessment.models import Card, Event, MaterialTask, Problem
from wenming.core import workflow


def event_write(*, district_id, target: str, target_id: int, actor, action: str, at=None, from_status="",
                to_status="", note: str = "", data=None) -> Event:
    return Event.objects.create(district_id=district_id, target=target, target_id=target_id,
                                actor=workflow.actor_or_none(actor), at=at or timezone.now(), action=action,
                                from_status=from_status or "", to_status=to_status or "",
                                note=workflow.note_for(Event, note), data=data or {})


def _recorder(target: str):
    def record(obj, *, actor, kind, from_status, to_status, at, note="", data=None) -> Event:
        return event_write(district_id=obj.district_id, target=target, target_id=obj.pk, actor=actor, action=kind,
                           at=at, from_status=from_status, to_status=to_status, note=note, data=data)

    return record


TASK_FLOW = workflow.Flow(model=MaterialTask, transitions=TASK_TRANSITIONS, labels=TASK_ACTION_LABEL,
                          record=_recorder("task"), noun="资料任务")
CARD_FLOW = workflow.Flow(model=Card, transitions=CARD_TRANSITIONS, record=_recorder("card"), noun="警示牌",
                          labels={"appeal": "申诉", "uphold": "处理申诉", "revoke": "处理申诉", "withdraw": "撤回",
                                  "reissue": "重新亮牌"})
PROBLEM_FLOW = workflow.Flow(model=Problem, transitions=PROBLEM_TRANSITIONS, record=_recorder("problem"),
                             noun="问题", labels={"report": "报告整改", "close": "复查", "reopen": "复查"})
