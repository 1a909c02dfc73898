"""The workflow kit: the steps every workflow (orders, demands, assessment tasks, cards and
problems, reviews) takes the same way.

A write to a workflow record is one transaction of these steps, in this order:

1. `Flow.lock(read)` — read the record in the actor's scope (404 before waiting on any lock),
   lock its row, read it again, so the state checked next is the one last committed.
2. the role check (403) and the input (`text`, `number`: 400), in the app's service;
3. `Flow.move` — compare-and-set (status, version) from what was read to the action's target
   (409 `cannot_<action>` when the state does not allow it, 409 `concurrent_change` when
   another writer got there first), then write the event; or `Flow.step` — the same for a
   step that leaves the status as it is (a supporting department signs, an urge, a request
   for more time): the version moves and the step is still audited.

Every event has one shape: who (`actor`, None for the platform's own jobs), when (`at`),
what (`kind`), the status before and after, a note cut to its column, and a data dict.
Orders, demands and assessment keep their own event tables; the other workflows (activities,
the reviews) write `core.AuditEvent` rows through `audit`. The app's `Flow` says which.

A review (`review`) is the smallest workflow: a pending record approved or rejected once, by
someone the app allows, with a reason required for a rejection.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Model
from django.utils import timezone

from wenming.core.codes import Code
from wenming.core.errors import InvalidInput, TransitionRefused

Transitions = dict[str, tuple[tuple[str, ...], str | None]]  # action → (from statuses, to status or None: stays)


# the shared error codes (core.codes); `workflow.Code` for the apps that already import the kit


# ---------------------------------------------------------------------------- input


def text(value, field: str, *, required: bool = True, max_length: int | None = None) -> str:
    """A text field: stripped, required unless said otherwise, no longer than `max_length`
    (the platform's TEXT_MAX_LENGTH by default). Anything but text is a 400 on that field."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("输入有误", errors={field: ["应为文本"]})
    value = value.strip()
    max_length = max_length or settings.WENMING["TEXT_MAX_LENGTH"]
    if required and not value:
        raise InvalidInput("输入有误", errors={field: ["不能为空"]})
    if len(value) > max_length:
        raise InvalidInput("输入有误", errors={field: [f"不能超过 {max_length} 字"]})
    return value


def number(value, field: str) -> int:
    """An integer a database column can hold (a bool is not one)."""
    if isinstance(value, bool):
        raise InvalidInput("输入有误", errors={field: ["应为整数"]})
    try:
        out = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("输入有误", errors={field: ["应为整数"]}) from None
    if not -(2**63) < out < 2**63:
        raise InvalidInput("输入有误", errors={field: ["不存在"]})
    return out


# ---------------------------------------------------------------------------- events


def note_for(model: type[Model], note: str | None) -> str:
    """Notes carry a label before the user's text, so a note at the input limit can overrun
    its column: PostgreSQL would refuse the whole transition."""
    return (note or "")[: model._meta.get_field("note").max_length]


def actor_or_none(actor):
    """The platform's own jobs pass an unsaved or no actor: their events have none."""
    return actor if getattr(actor, "pk", None) else None


def audit(obj, *, actor, kind, from_status, to_status, at, note="", data=None):
    """The event writer of the workflows without a table of their own (`core.AuditEvent`)."""
    from django.contrib.contenttypes.models import ContentType

    from wenming.core.models import AuditEvent

    return AuditEvent.objects.create(subject_type=ContentType.objects.get_for_model(type(obj)), subject_id=obj.pk,
                                     actor=actor_or_none(actor), at=at, kind=kind, from_status=from_status or "",
                                     to_status=to_status or "", note=note_for(AuditEvent, note), data=data or {})


def audit_trail(obj):
    """The audited steps of one record, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from wenming.core.models import AuditEvent

    return AuditEvent.objects.filter(subject_type=ContentType.objects.get_for_model(type(obj)),
                                     subject_id=obj.pk).select_related("actor")


# ---------------------------------------------------------------------------- the flow


@dataclass(frozen=True)
class Flow:
    """One workflow: its model, its state table, the words of its refusals and how a step
    becomes an event row.

    `record(obj, actor=, kind=, from_status=, to_status=, at=, note=, data=, **extra)` writes
    the event; `extra` carries what only this workflow's events link to (an assignment).
    """

    model: type[Model]
    transitions: Transitions
    labels: dict[str, str]  # action → the verb of "不能<verb>"
    record: Callable[..., Model] = audit
    noun: str = "记录"  # "订单刚被他人处理"
    versioned: bool = True  # the model has a `version` column, compared and moved with the status
    refusal: Callable[[Model, str], TransitionRefused] | None = None  # the app's own words for "not now"

    def lock(self, read: Callable[[], Model]) -> Model:
        """`read()` is the app's scoped reader (404 outside the actor's scope)."""
        obj = read()  # out of scope: 404 before waiting on anything
        list(self.model._default_manager.select_for_update().filter(pk=obj.pk).order_by()
             .values_list("pk", flat=True))
        return read()

    def refuse(self, obj, action: str) -> TransitionRefused:
        if self.refusal is not None:
            return self.refusal(obj, action)
        return TransitionRefused(f"{self.noun}当前状态为「{obj.get_status_display()}」，不能{self.labels[action]}",
                                 code=f"cannot_{action}")

    def check(self, obj, action: str) -> None:
        if obj.status not in self.transitions[action][0]:
            raise self.refuse(obj, action)

    def target(self, obj, action: str) -> str:
        return self.transitions[action][1] or obj.status

    def compare_and_set(self, obj, *, action: str, target: str | None = None, fields: dict | None = None) -> str:
        """UPDATE … WHERE status and version are the ones read: whoever commits second
        changes nothing and is told 409, on SQLite and PostgreSQL alike. Returns the target."""
        self.check(obj, action)
        target = target or self.target(obj, action)
        values = {**(fields or {}), "status": target}
        expected = {"pk": obj.pk, "status": obj.status}
        if self.versioned:
            values["version"] = F("version") + 1
            expected["version"] = obj.version
        manager = self.model._default_manager
        if not manager.filter(**expected).update(**values):
            current = manager.get(pk=obj.pk)
            if current.status not in self.transitions[action][0]:
                raise self.refuse(current, action)
            raise TransitionRefused(f"{self.noun}刚被他人处理，请刷新后重试", code=Code.CONCURRENT_CHANGE)
        return target

    def move(self, obj, *, action: str, actor, kind: str | None = None, target: str | None = None,
             note: str = "", data: dict | None = None, fields: dict | None = None, now=None, **extra):
        """Compare-and-set to the action's (or the given) target, write the event, and hand
        back the record as it now is."""
        now = now or timezone.now()
        before = obj.status
        after = self.compare_and_set(obj, action=action, target=target, fields=fields)
        self.record(obj, actor=actor, kind=kind or action, from_status=before, to_status=after, at=now,
                    note=note, data=data or {}, **extra)
        obj.refresh_from_db()
        return obj

    def step(self, obj, *, actor, kind: str, note: str = "", data: dict | None = None, fields: dict | None = None,
             now=None, **extra):
        """A step that leaves the status as it is: the version moves (a stale form of the
        record now loses its compare-and-set) and the step is audited like any other."""
        now = now or timezone.now()
        values = {**(fields or {}), **({"version": F("version") + 1} if self.versioned else {})}
        if values:
            self.model._default_manager.filter(pk=obj.pk).update(**values)
        self.record(obj, actor=actor, kind=kind, from_status=obj.status, to_status=obj.status, at=now,
                    note=note, data=data or {}, **extra)
        obj.refresh_from_db()
        return obj


# ---------------------------------------------------------------------------- reviews

REVIEW_NOTE_MAX = 200


def review_transitions(pending: str, approved: str, rejected: str) -> Transitions:
    return {"approve": ((pending,), approved), "reject": ((pending,), rejected)}


def already_reviewed(noun: str) -> Callable[[Model, str], TransitionRefused]:
    """A review is decided once: the second decision is told so, whichever it would have been."""
    return lambda obj, action: TransitionRefused(f"该{noun}已审核", code=Code.ALREADY_REVIEWED)


def review_flow(model: type[Model], *, noun: str, pending: str, approved: str, rejected: str,
                record: Callable[..., Model] = audit, reject_label: str = "驳回") -> Flow:
    """The `Flow` of a review: approve or reject from pending, decided once (409 `already_reviewed`)."""
    return Flow(model=model, versioned=False, noun=noun, record=record, refusal=already_reviewed(noun),
                labels={"approve": "通过", "reject": reject_label},
                transitions=review_transitions(pending, approved, rejected))


def review_note(note, *, approve: bool) -> str:
    """The reviewer's note: a reason is required to reject; at most REVIEW_NOTE_MAX characters."""
    if note is not None and not isinstance(note, str):
        raise InvalidInput("输入有误", errors={"note": ["应为文本"]})
    note = (note or "").strip()
    if len(note) > REVIEW_NOTE_MAX:
        raise InvalidInput(f"审核意见不超过{REVIEW_NOTE_MAX}字", errors={"note": [f"不超过{REVIEW_NOTE_MAX}字"]})
    if not approve and not note:
        raise InvalidInput("不通过时请填写原因", errors={"note": ["不通过时请填写原因"]})
    return note


def review(flow: Flow, obj, *, actor, approve: bool, note="", now=None, fields: dict | None = None):
    """Approve or reject `obj` (already read in the actor's scope and checked for the role):
    compare-and-set from pending, the reviewer, time and note written on the record, audited."""
    note = review_note(note, approve=approve)
    now = now or timezone.now()
    values = {"reviewed_by": actor, "reviewed_at": now, "review_note": note, **(fields or {})}
    return flow.move(obj, action="approve" if approve else "reject", actor=actor, note=note, fields=values, now=now)

