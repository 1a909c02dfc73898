"""Delivering the outbox (`Delivery` rows that `core.notices.notify` wrote): the task queue runs
`deliver` right after the notice's transaction commits, and `deliver_due` every minute for
what had to wait (a retry, the night, the provider's rate).

One row, one attempt at a time: a worker claims it (pending → sending, compare-and-set), so two
workers never send it twice; the provider's answer moves it to sent, back to pending with the
next wait (`RETRY_SECONDS`), or to failed. A row still "sending" ten minutes after its claim
belonged to a worker that died mid-send: it is tried again (at least once, never silently lost).

Rules of the channels: no SMS from 22:00 to 08:00 (China time) but urgent ones; no more than
`PER_SECOND` sends a second per provider across all workers (counted in the shared cache);
no phone or no WeChat binding: skipped, with the reason."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F
from django.utils import timezone

from wenming.core import channels
from wenming.core.models import ChannelChoice, Delivery, Notice

TZ = ZoneInfo("Asia/Shanghai")
STALE_CLAIM = dt.timedelta(minutes=10)
S = Delivery.Status
C = Delivery.Channel
DIGEST = "digest"


def quiet_until(now: dt.datetime) -> dt.datetime | None:
    """The end of the SMS quiet hours if `now` lies in them (22:00–08:00 local), else None."""
    start, end = settings.NOTICE_CHANNELS["SMS"]["QUIET_HOURS"]
    local = now.astimezone(TZ)
    if start > local.hour >= end:
        return None
    day = local.date() + dt.timedelta(days=1 if local.hour >= start else 0)
    return dt.datetime.combine(day, dt.time(end), tzinfo=TZ)


def _within_rate(channel: str, now: dt.datetime) -> bool:
    """A fixed one-second window per provider, shared by every worker through the cache."""
    limit = settings.NOTICE_CHANNELS["SMS" if channel == C.SMS else "WECHAT"]["PER_SECOND"]
    key = f"notice-rate:{channel}:{int(now.timestamp())}"
    cache.add(key, 0, timeout=5)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=5)
        return True


def _address(row: Delivery) -> str:
    if row.user is None:  # a number with no account yet: the row carries it
        return row.phone if row.channel == C.SMS else ""
    if not row.user.is_active:
        return ""
    return row.user.phone if row.channel == C.SMS else row.user.wechat_openid


def deliver(ids, *, now=None) -> dict[str, int]:
    """Try each pending row among `ids` whose time has come; returns the outcomes counted."""
    counts: dict[str, int] = {}
    for pk in ids:
        outcome = _deliver_one(pk, now or timezone.now())
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def deliver_due(*, now=None, limit: int = 2000) -> dict[str, int]:
    """The periodic pass: rows whose wait is over, and claims left by a worker that died."""
    now = now or timezone.now()
    Delivery.objects.filter(status=S.SENDING, next_attempt_at__lt=now - STALE_CLAIM).update(status=S.PENDING)
    ids = list(Delivery.objects.filter(status=S.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at", "id")
               .values_list("pk", flat=True)[:limit])
    return deliver(ids, now=now)


def _deliver_one(pk: int, now: dt.datetime) -> str:
    row = Delivery.objects.select_related("user").filter(pk=pk, status=S.PENDING, next_attempt_at__lte=now).first()
    if row is None:
        return "not_due"
    address = _address(row)
    if not address:
        reason = "没有手机号" if row.channel == C.SMS else "没有绑定微信"
        Delivery.objects.filter(pk=pk, status=S.PENDING).update(status=S.SKIPPED, last_error=reason)
        return "skipped"
    if row.channel == C.SMS and not row.urgent and (until := quiet_until(now)):
        Delivery.objects.filter(pk=pk, status=S.PENDING).update(next_attempt_at=until)
        return "held"
    if not _within_rate(row.channel, now):
        Delivery.objects.filter(pk=pk, status=S.PENDING).update(next_attempt_at=now + dt.timedelta(seconds=1))
        return "throttled"
    # the claim: only one worker moves it from pending; the attempt counts from here
    if not Delivery.objects.filter(pk=pk, status=S.PENDING).update(status=S.SENDING, attempts=F("attempts") + 1,
                                                                    next_attempt_at=now):
        return "not_due"
    row.attempts += 1
    send = channels.send_sms if row.channel == C.SMS else channels.send_wechat
    try:
        sent = send(row, address)
    except channels.SendError as exc:
        waits = settings.NOTICE_CHANNELS["RETRY_SECONDS"]
        if exc.permanent or row.attempts > len(waits):
            Delivery.objects.filter(pk=pk, status=S.SENDING).update(status=S.FAILED, last_error=exc.message)
            return "failed"
        Delivery.objects.filter(pk=pk, status=S.SENDING).update(
            status=S.PENDING, last_error=exc.message,
            next_attempt_at=now + dt.timedelta(seconds=waits[row.attempts - 1]))
        return "retry"
    Delivery.objects.filter(pk=pk, status=S.SENDING).update(status=S.SENT, provider=sent.provider,
                                                             provider_ref=sent.ref[:80], sent_at=timezone.now(),
                                                             last_error="")
    return "sent"


def requeue(ids, *, now=None) -> int:
    """Failed rows among `ids` go back to pending with their attempts reset (the admin's action)."""
    return Delivery.objects.filter(pk__in=list(ids), status=S.FAILED).update(
        status=S.PENDING, attempts=0, next_attempt_at=now or timezone.now(), last_error="")


# ---------------------------------------------------------------------------- the daily digest

def digest(*, now=None) -> int:
    """One SMS a day to each person of the digest roles with unread notices of the last day —
    「您有 N 条未读消息」 — instead of one per notice. Idempotent per person and day. Returns
    how many digests were queued."""
    now = now or timezone.now()
    day = now.astimezone(TZ).date()
    since = now - dt.timedelta(days=1)
    rows = (Notice.objects.filter(read_at__isnull=True, created_at__gte=since, user__is_active=True,
                                  user__role__in=settings.WENMING["DIGEST_ROLES"])
            .values_list("user_id").order_by().annotate(n=Count("id")))
    declined = set(ChannelChoice.objects.filter(kind=DIGEST, sms=False).values_list("user_id", flat=True))
    key = f"{DIGEST}:{day.isoformat()}"
    declined |= set(Delivery.objects.filter(key=key, channel=C.SMS).values_list("user_id", flat=True))  # sent today
    fresh = [Delivery(user_id=uid, key=key, kind=DIGEST, channel=C.SMS,
                      title=f"您有 {n} 条未读消息", body="请登录文明实践云平台查看", link="/notices/",
                      params=[str(n)], next_attempt_at=now, created_at=now)
             for uid, n in rows if uid not in declined]
    Delivery.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)

