"""Service certificates (志愿服务记录证明): issue, verify, revoke.

The certificate stores a snapshot of what the volunteer chose to disclose and an HMAC
(SHA-256, key derived from SECRET_KEY) over the code and that snapshot. Verification
recomputes it: a row changed after issue ("tampered") or revoked fails.
"""

import hashlib
import hmac
import json
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.validators import mask_id_number
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.selectors import in_scope
from wenming.volunteers.codes import Code
from wenming.volunteers.models import Certificate, ServiceRecord, Volunteer
from wenming.volunteers.selectors import net_records, star_level

# what a volunteer may choose to disclose; name, hours and star level are always shown
DISCLOSE_OPTIONS = {
    "id_number": "身份证号（脱敏）",
    "org": "所属组织",
    "records": "服务记录明细",
}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class Verdict:
    VALID = "valid"
    REVOKED = "revoked"
    TAMPERED = "tampered"


def _key() -> bytes:
    return hashlib.sha256(b"wenming-certificate:" + settings.SECRET_KEY.encode()).digest()


def sign(code: str, content: dict) -> str:
    payload = code.encode() + b"\n" + json.dumps(content, ensure_ascii=False, sort_keys=True,
                                                  separators=(",", ":")).encode()
    return hmac.new(_key(), payload, hashlib.sha256).hexdigest()


def _content(volunteer: Volunteer, disclose: set[str]) -> dict:
    records = net_records(volunteer)
    total = sum((r.hours for r in records), start=0)
    content = {
        "name": volunteer.name,
        "hours": str(total),
        "stars": star_level(total),
        "record_count": len(records),
        "first_served": str(min((r.served_on for r in records), default="")) or None,
        "last_served": str(max((r.served_on for r in records), default="")) or None,
        "district": volunteer.district.name,
        "disclosed": sorted(disclose),
    }
    if "id_number" in disclose:
        content["id_number"] = mask_id_number(volunteer.id_number)
    if "org" in disclose:
        content["org"] = volunteer.org.name if volunteer.org_id else ""
    if "records" in disclose:
        content["records"] = [{"served_on": str(r.served_on), "title": r.title, "place": r.place,
                               "hours": str(r.hours), "source": r.get_source_display()}
                              for r in sorted(records, key=lambda r: (r.served_on, r.pk))]
    return content


@transaction.atomic
def certificate_issue(*, actor, disclose) -> Certificate:
    """A volunteer issues a certificate of their own service, disclosing what they chose."""
    volunteer = Volunteer.objects.select_related("district", "org").filter(user=actor).first() \
        if getattr(actor, "is_authenticated", False) else None
    if volunteer is None:
        raise ActionForbidden("只有志愿者本人可以出具服务证明", code=Code.NOT_VOLUNTEER)
    if volunteer.status != Volunteer.Status.APPROVED:
        raise TransitionRefused("志愿者注册审核通过后才能出具证明", code=Code.NOT_APPROVED)
    if not isinstance(disclose, (list, tuple, set)) or any(d not in DISCLOSE_OPTIONS for d in disclose):
        raise InvalidInput("公开内容选项无效", errors={"disclose": [f"可选：{', '.join(DISCLOSE_OPTIONS)}"]})
    if not ServiceRecord.objects.filter(volunteer=volunteer).exists():
        raise TransitionRefused("还没有服务记录，暂不能出具证明", code=Code.NO_RECORDS)
    content = _content(volunteer, set(disclose))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return Certificate.objects.create(volunteer=volunteer, code=code, content=content,
                                      signature=sign(code, content), issued_at=timezone.now())


def certificate_verify(*, code: str) -> tuple[str, Certificate]:
    """(verdict, certificate) for a code; NotFound for an unknown one. Public: no login needed."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        raise NotFound("未找到该证明")
    cert = Certificate.objects.filter(code=code).first()
    if cert is None:
        raise NotFound("未找到该证明")
    if not hmac.compare_digest(cert.signature, sign(cert.code, cert.content)):
        return Verdict.TAMPERED, cert
    if cert.revoked_at is not None:
        return Verdict.REVOKED, cert
    return Verdict.VALID, cert


@transaction.atomic
def certificate_revoke(*, actor, certificate_id, reason: str) -> Certificate:
    """The volunteer themself, or an administrator over their node, revokes a certificate."""
    try:
        cert = Certificate.objects.select_related("volunteer__node").get(pk=int(certificate_id))
    except (Certificate.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    own = cert.volunteer.user_id is not None and cert.volunteer.user_id == actor.pk
    staff = in_scope(actor, cert.volunteer.node) and (actor.is_superuser or actor.role in DISPATCHER_ROLES)
    if not (own or staff):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InvalidInput("请填写撤销原因（不超过200字）", errors={"reason": ["请填写撤销原因（不超过200字）"]})
    won = Certificate.objects.filter(pk=cert.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason)
    if not won:
        raise TransitionRefused("该证明已撤销", code=Code.ALREADY_REVOKED)
    cert.refresh_from_db()
    return cert
