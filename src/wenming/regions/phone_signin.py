"""Signing in with a phone number and an SMS code (手机号 + 短信验证码), the way citizens and
volunteers come in from their phones; a number with no account yet registers as a citizen.

- `phone_code_send`: a six-digit code by SMS (through the outbox, urgent: a code cannot wait
  for the morning), valid CODE_MINUTES. At most one code a minute and PER_HOUR an hour per
  number, and PER_IP_HOUR an hour per address (429). The answer is the same whether the number
  has an account or not, so the page cannot be used to find out who is registered.
- `phone_sign_in`: the latest unexpired code of the number, compared in constant time; MAX_TRIES
  wrong tries void it. A number with an account signs in to it; a new number needs a name and
  the person's village or community (to place the account in the region tree) and becomes a
  citizen's account. The code is used once.
"""

import datetime as dt
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wenming.core.crypto import digest
from wenming.core.errors import InvalidInput, RateLimited, TransitionRefused
from wenming.core.notices import sms_to_number
from wenming.core.validators import MOBILE_RE, validate_phone
from wenming.regions.choices import NodeKind, Role
from wenming.regions.codes import Code
from wenming.regions.models import Node, PhoneCode, User

CODE_MINUTES = 5
RESEND_SECONDS = 60
PER_HOUR = 5
PER_IP_HOUR = 20
MAX_TRIES = 5
KIND = "regions:login-code"


def _phone(raw) -> str:
    """A mobile number (a landline cannot receive the code)."""
    try:
        phone = validate_phone(raw if isinstance(raw, str) else "")
    except ValidationError:
        phone = ""
    if not MOBILE_RE.match(phone):
        raise InvalidInput("手机号有误", errors={"phone": ["请输入 11 位手机号"]})
    return phone


def _code_digest(phone: str, code: str) -> str:
    return digest(f"{phone}:{code}")


@transaction.atomic
def phone_code_send(*, phone, ip: str | None = None, now=None) -> None:
    phone = _phone(phone)
    now = now or timezone.now()
    key = digest(phone)
    recent = PhoneCode.objects.filter(phone_digest=key, created_at__gte=now - dt.timedelta(hours=1))
    if recent.filter(created_at__gte=now - dt.timedelta(seconds=RESEND_SECONDS)).exists():
        raise RateLimited(f"验证码已发送，请 {RESEND_SECONDS} 秒后再试", code=Code.CODE_TOO_SOON)
    if recent.count() >= PER_HOUR or (ip and PhoneCode.objects.filter(
            ip=ip, created_at__gte=now - dt.timedelta(hours=1)).count() >= PER_IP_HOUR):
        raise RateLimited("获取验证码过于频繁，请一小时后再试", code=Code.CODE_RATE_LIMITED)
    code = f"{secrets.randbelow(10**6):06d}"
    row = PhoneCode.objects.create(phone_digest=key, code_digest=_code_digest(phone, code), ip=ip or None,
                                   created_at=now, expires_at=now + dt.timedelta(minutes=CODE_MINUTES))
    sms_to_number(phone, key=f"{KIND}:{row.pk}", kind=KIND, title=f"验证码 {code}，{CODE_MINUTES} 分钟内有效",
                  params=[code, str(CODE_MINUTES)])


def _village(node_id) -> Node:
    node = None
    if node_id not in (None, "") and str(node_id).isascii() and str(node_id).isdigit() and len(str(node_id)) < 19:
        node = Node.objects.filter(pk=int(node_id), kind__in=[NodeKind.VILLAGE, NodeKind.GRID]).first()
    if node is None:
        raise InvalidInput("请选择您所在的村/社区", errors={"node": ["请选择您所在的村/社区"]})
    return node


def phone_sign_in(*, phone, code, name: str = "", node_id=None, now=None) -> tuple[User, bool]:
    """The account the code proves, and whether it was created now. A wrong code is counted in
    a transaction of its own, before the refusal, so that no caller's rollback undoes it."""
    phone = _phone(phone)
    now = now or timezone.now()
    code = code.strip() if isinstance(code, str) else ""
    key = digest(phone)
    wrong = InvalidInput("验证码不正确或已过期", errors={"code": ["验证码不正确或已过期"]})
    with transaction.atomic():
        row = (PhoneCode.objects.select_for_update()
               .filter(phone_digest=key, used_at__isnull=True, expires_at__gt=now).order_by("-created_at").first())
        good = row is not None and row.attempts < MAX_TRIES and len(code) == 6 and code.isascii() \
            and code.isdigit() and hmac.compare_digest(row.code_digest, _code_digest(phone, code))
        if row is not None and not good:
            PhoneCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
    if not good:
        raise wrong
    with transaction.atomic():
        user = User.objects.filter(phone_digest=key, is_active=True).order_by("pk").first()
        created = False
        if user is None:
            name = " ".join(name.split())[:40] if isinstance(name, str) else ""
            if not name:  # the code stays valid for the second step of the form
                raise InvalidInput("首次登录请填写姓名和所在村/社区", code=Code.REGISTRATION_NEEDED,
                                   errors={"name": ["请填写姓名"]})
            node = _village(node_id)
            user = User(username=f"m{key[:12]}", role=Role.CITIZEN, node=node, full_name=name, phone=phone)
            if User.objects.filter(username=user.username).exists():  # a digest prefix shared by chance
                user.username = f"m{key[:24]}"
            user.set_unusable_password()
            user.save()
            created = True
        if PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
            raise TransitionRefused("验证码已使用，请重新获取", code=Code.CODE_USED)
        User.objects.filter(pk=user.pk).update(phone_verified_at=now)
        user.phone_verified_at = now
    return user, created
