"""In-app notices (消息): the one way every app tells a person that something needs them.

    notify(users, title="...", body="...", link="/path/", key="demands:overdue:123")

Sending is idempotent per (user, key), so periodic jobs may call it on every run. Notices
are written in the caller's transaction: if the change that caused them rolls back, so do
they.
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from wenming.core.errors import InvalidInput, NotFound
from wenming.core.models import Notice

TITLE_MAX = Notice._meta.get_field("title").max_length
BODY_MAX = Notice._meta.get_field("body").max_length
KEY_MAX = Notice._meta.get_field("key").max_length


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notify(users: Iterable, *, title: str, key: str, body: str = "", link: str = "") -> int:
    """Put a notice in each user's inbox unless that user already has one with this key.

    Returns how many new notices were stored.
    """
    if not key or len(key) > KEY_MAX:
        raise InvalidInput(f"消息标识不能为空，且不超过 {KEY_MAX} 个字符")
    if not str(title or "").strip():
        raise InvalidInput("消息标题不能为空")
    if link and not link.startswith("/"):
        raise InvalidInput("消息链接必须是站内路径")
    user_ids = {u.pk for u in users if u is not None and getattr(u, "is_active", True)}
    if not user_ids:
        return 0
    have = set(Notice.objects.filter(key=key, user_id__in=user_ids).values_list("user_id", flat=True))
    fresh = [
        Notice(user_id=uid, key=key, title=_clip(title, TITLE_MAX), body=_clip(body, BODY_MAX),
               link=link[:200])
        for uid in sorted(user_ids - have)
    ]
    # ignore_conflicts: two runs of one job at the same moment still store each notice once
    Notice.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def inbox(user) -> QuerySet:
    return Notice.objects.filter(user=user)


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
