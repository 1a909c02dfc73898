"""`Idempotency-Key` on the API's creation calls: a client that lost the answer to a POST sends
it again with the same key and gets the first answer back — not a second order.

    @idempotent
    def post(self, request): ...

The key (1–255 visible ASCII characters, a UUID is usual) belongs to its caller: a user, or an
anonymous caller's address. The same key with a different request is a 422; a malformed key a
400. The key is written in the same transaction as the record the call creates, with its answer:
two copies of one request racing each other wait on the key's unique index, and the second
replays what the first answered (header `Idempotent-Replayed: true`). A call that fails stores
nothing, so a corrected retry with the same key goes through. Keys are forgotten after
IDEMPOTENCY_HOURS (a periodic job). Without the header nothing changes.
"""

import hashlib
import json
import re
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from wenming.core.clientip import client_ip
from wenming.core.codes import Code
from wenming.core.crypto import digest
from wenming.core.errors import DomainError, InvalidInput

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class KeyReused(DomainError):
    status_code = 422
    default_code = "idempotency_key_reused"


def _caller(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return "a" + digest(client_ip(request))[:40]


def _fingerprint(request) -> str:
    """The request's method, path and content: its fields and, for files, their names and bytes."""
    hasher = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    data = request.data
    fields = {k: data.getlist(k) for k in data} if hasattr(data, "getlist") else data
    hasher.update(json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False).encode())
    for name in sorted(getattr(request, "FILES", {}) or {}):
        for upload in request.FILES.getlist(name):
            hasher.update(f"\n{name}={upload.name}:{upload.size}:".encode())
            for chunk in upload.chunks():
                hasher.update(chunk)
            upload.seek(0)
    return hasher.hexdigest()


def _replay(saved, fingerprint):
    if saved.fingerprint != fingerprint:
        raise KeyReused("该幂等键已用于另一个请求", errors={"Idempotency-Key": ["同一个键只能用于同一个请求"]})
    return Response(saved.body, status=saved.status, headers={"Idempotent-Replayed": "true"})


def idempotent(post):
    @wraps(post)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return post(view, request, *args, **kwargs)
        from wenming.core.models import IdempotentRequest

        if not KEY.match(key):
            raise InvalidInput("Idempotency-Key 应为 1–255 个可见 ASCII 字符", code=Code.BAD_IDEMPOTENCY_KEY,
                               errors={"Idempotency-Key": ["格式不正确"]})
        caller, fingerprint = _caller(request), _fingerprint(request)
        saved = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if saved is not None:
            return _replay(saved, fingerprint)
        try:
            with transaction.atomic():
                # a copy of this request still running holds the key's index entry: the insert
                # waits for it, and fails once it has committed
                row = IdempotentRequest.objects.create(caller=caller, key=key, fingerprint=fingerprint,
                                                       status=0, body={})
                response = post(view, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    row.status = response.status_code
                    row.body = json.loads(JSONRenderer().render(response.data) or b"null")
                    row.save(update_fields=["status", "body"])
                else:
                    transaction.set_rollback(True)
                return response
        except IntegrityError:
            saved = IdempotentRequest.objects.filter(caller=caller, key=key).first()
            if saved is None:  # the call's own constraint, not the key's
                raise
            return _replay(saved, fingerprint)
    return wrapper


def forget_old_keys(*, now=None) -> int:
    from wenming.core.models import IdempotentRequest

    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_HOURS)
    return IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()[0]
