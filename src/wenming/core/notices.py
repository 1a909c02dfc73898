"""Notices (消息): the one way every app tells a person that something needs them.

    notify(users, title="...", body="...", link="/path/", key="demands:overdue:123", params=[...])

Every notice lands in the person's inbox and, by its kind (the key up to its first id:
"demands:overdue"), the person's own choices and their role, goes out by SMS and WeChat too:
`notify` writes the inbox row and one outbox row (`Delivery`) per outside channel in the
caller's transaction — if the change that caused them rolls back, so do they — and the task
queue delivers them after commit (core.outbox). Sending is idempotent per (user, key) and per
(user, key, channel), so periodic jobs may call it on every run.

The kinds and their default channels are registered by the apps (`register`); staff of the
digest roles get no SMS per notice but one daily digest, unless the kind is urgent.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from wenming.core.errors import InvalidInput, NotFound
from wenming.core.models import ChannelChoice, Delivery, Notice

TITLE_MAX = Notice._meta.get_field("title").max_length
BODY_MAX = Notice._meta.get_field("body").max_length
KEY_MAX = Notice._meta.get_field("key").max_length


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Kind:
    """A kind of message: its name on the settings page and the outside channels it takes by
    default. `urgent` ones are sent at night too and never wait for the digest."""

    code: str
    label: str
    sms: bool = False
    wechat: bool = True
    urgent: bool = False
    roles: frozenset | None = None  # who receives it (the settings page lists only theirs); None: anyone


KINDS: dict[str, Kind] = {}


def register(code: str, label: str, *, sms: bool = False, wechat: bool = True, urgent: bool = False,
             roles=None) -> str:
    KINDS[code] = Kind(code, label, sms=sms, wechat=wechat, urgent=urgent,
                       roles=frozenset(roles) if roles is not None else None)
    return code


def kind_of(key: str) -> str:
    """"orders:dispatched:12:3" → "orders:dispatched": the key without its ids."""
    parts = []
    for part in key.split(":"):
        if part.isdigit() or (parts and len(parts) >= 2):
            break
        parts.append(part)
    return ":".join(parts)


def channels_for(user, kind: Kind, choice: ChannelChoice | None = None) -> set[str]:
    """The outside channels a notice of `kind` takes to `user`: the kind's defaults, unless the
    person chose otherwise (`choice`); no SMS per notice for the digest roles unless it is urgent."""
    wanted = set()
    if choice.sms if choice else kind.sms:
        wanted.add(Delivery.Channel.SMS)
    if choice.wechat if choice else kind.wechat:
        wanted.add(Delivery.Channel.WECHAT)
    if getattr(user, "role", "") in settings.WENMING["DIGEST_ROLES"] and not kind.urgent:
        wanted.discard(Delivery.Channel.SMS)
    return wanted


def notify(users: Iterable, *, title: str, key: str, body: str = "", link: str = "", params=None,
           urgent: bool | None = None) -> int:
    """Put a notice in each user's inbox unless that user already has one with this key, and
    queue it on the user's outside channels (`params`: the SMS template's parameters, in the
    template's order; the title when not given).

    Returns how many new notices were stored.
    """
    if not key or len(key) > KEY_MAX:
        raise InvalidInput(f"消息标识不能为空，且不超过 {KEY_MAX} 个字符")
    if not str(title or "").strip():
        raise InvalidInput("消息标题不能为空")
    if link and not link.startswith("/"):
        raise InvalidInput("消息链接必须是站内路径")
    people = {u.pk: u for u in users if u is not None and getattr(u, "is_active", True)}
    if not people:
        return 0
    have = set(Notice.objects.filter(key=key, user_id__in=people).values_list("user_id", flat=True))
    title, body = _clip(title, TITLE_MAX), _clip(body, BODY_MAX)
    fresh = [Notice(user_id=uid, key=key, title=title, body=body, link=link[:200]) for uid in sorted(set(people) - have)]
    # ignore_conflicts: two runs of one job at the same moment still store each notice once
    Notice.objects.bulk_create(fresh, ignore_conflicts=True)
    _queue_outside([people[n.user_id] for n in fresh], key=key, title=title, body=body, link=link[:200],
                   params=params, urgent=urgent)
    return len(fresh)


def sms_to_number(phone: str, *, key: str, kind: str, title: str, params: list, urgent: bool = True) -> Delivery:
    """An SMS to a number that may have no account yet (a sign-in code), through the same outbox:
    written in the caller's transaction, delivered after commit."""
    now = timezone.now()
    row = Delivery.objects.create(user=None, phone=phone, key=key, kind=kind, channel=Delivery.Channel.SMS,
                                  urgent=urgent, title=_clip(title, TITLE_MAX), params=[str(p) for p in params],
                                  next_attempt_at=now, created_at=now)

    def deliver():
        from wenming.core.tasks import deliver_task

        deliver_task([row.pk])

    transaction.on_commit(deliver)
    return row


def _queue_outside(users: list, *, key: str, title: str, body: str, link: str, params, urgent) -> None:
    """The outbox rows of one notice, and their delivery once the transaction commits."""
    code = kind_of(key)
    kind = KINDS.get(code) or Kind(code, code, sms=False, wechat=False)
    if urgent is not None:
        kind = Kind(kind.code, kind.label, sms=kind.sms or urgent, wechat=kind.wechat, urgent=urgent)
    if not users:
        return
    # one choice per (user, kind): the table's unique constraint
    choices = {c.user_id: c for c in ChannelChoice.objects.filter(user_id__in=[u.pk for u in users], kind=code)}
    now = timezone.now()
    rows = []
    for user in users:
        for channel in sorted(channels_for(user, kind, choices.get(user.pk))):
            rows.append(Delivery(user=user, key=key, kind=code, channel=channel, urgent=kind.urgent, title=title,
                                 body=body, link=link, params=[str(p) for p in (params or [title])][:10],
                                 next_attempt_at=now, created_at=now))
    if not rows:
        return
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    keys = {(r.user_id, r.channel) for r in rows}

    def deliver():
        from wenming.core.tasks import deliver_task

        ids = [pk for pk, uid, ch in Delivery.objects.filter(key=key, user_id__in={u for u, _ in keys},
                                                            status=Delivery.Status.PENDING)
               .values_list("pk", "user_id", "channel") if (uid, ch) in keys]
        if ids:
            deliver_task(ids)

    transaction.on_commit(deliver)


def inbox(user, *, unread: bool = False, q: str = "") -> QuerySet:
    """The user's notices, newest first; only the unread ones, or those whose title or text has `q`."""
    qs = Notice.objects.filter(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    q = " ".join(str(q or "").split())[:50]
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return qs


def channel_settings_for(user) -> list[dict]:
    """Each kind of message with the channels it takes to `user` now (消息设置)."""
    mine = {c.kind: c for c in ChannelChoice.objects.filter(user=user)}
    rows = []
    role = "center_admin" if user.is_superuser else getattr(user, "role", "")
    for kind in sorted(KINDS.values(), key=lambda k: k.code):
        if kind.roles is not None and role not in kind.roles:
            continue
        choice = mine.get(kind.code)
        rows.append({"kind": kind, "sms": choice.sms if choice else kind.sms,
                     "wechat": choice.wechat if choice else kind.wechat})
    digest = mine.get("digest")
    if getattr(user, "role", "") in settings.WENMING["DIGEST_ROLES"]:
        rows.append({"kind": Kind("digest", "每日未读消息汇总（短信）", sms=True, wechat=False),
                     "sms": digest.sms if digest else True, "wechat": False})
    return rows


@transaction.atomic
def channel_settings_save(*, user, wanted: dict[str, set[str]]) -> int:
    """Store `user`'s choice of outside channels per kind ({kind: {"sms", "wechat"}}); kinds not
    named keep theirs. An unknown kind is a 400. Returns how many kinds were set."""
    known = set(KINDS) | {"digest"}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise InvalidInput("消息类别有误", errors={"kind": [f"未知的类别：{k}" for k in unknown[:5]]})
    for code, channels in wanted.items():
        ChannelChoice.objects.update_or_create(user=user, kind=code, defaults={
            "sms": Delivery.Channel.SMS in channels, "wechat": Delivery.Channel.WECHAT in channels})
    return len(wanted)


def deliveries_for(user) -> QuerySet:
    """What went out to `user` by SMS and WeChat (发送记录); a district's office and centre admins
    see the whole district's, as the outbox log of an installation without providers."""
    qs = Delivery.objects.select_related("user")
    node = getattr(user, "node", None)
    if user.is_superuser:
        return qs
    if getattr(user, "role", "") in ("office_admin", "center_admin") and node is not None:
        return qs.filter(user__node__path__startswith=node.path)
    return qs.filter(user=user)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, notice_id=None) -> int:
    """Mark one notice (or, without an id, all of them) read. Another user's id is a 404."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_id is not None:
        if not Notice.objects.filter(user=user, pk=notice_id).exists():
            raise NotFound("没有这条消息")
        qs = qs.filter(pk=notice_id)
    return qs.update(read_at=timezone.now())


def open_notice(user, notice_id) -> Notice:
    """Mark a notice read and return it, for following its link."""
    mark_read(user, notice_id)
    return Notice.objects.get(user=user, pk=notice_id)
