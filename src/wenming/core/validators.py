"""Validation of personal identifiers (DESIGN §5)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

# re.ASCII: a bare \d also matches full-width and other Unicode digits, which would store a
# number that differs from its ASCII twin (and its digest)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$", re.ASCII)

# GB 11643-1999: weights 2^(17-i) mod 11, check characters indexed by the sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s]", "", value or "")


def validate_phone(value: str) -> str:
    phone = normalize_phone(value)
    if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
        raise ValidationError("请输入正确的手机号或固定电话", code="phone")
    return phone


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """A citizen ID number: 18 characters, a real birth date, and the GB 11643 check digit."""
    number = (value or "").strip().upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValidationError("身份证号应为18位，最后一位可以是X", code="id_format")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期无效", code="id_birth") from None
    # the date in Beijing: a child born after midnight there is born "today", whatever the server's zone
    if born.year < 1900 or born > timezone.localdate():
        raise ValidationError("身份证号中的出生日期无效", code="id_birth")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位不正确", code="id_check")
    return number


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return f"{phone[:2]}****{phone[-2:]}"


def mask_id_number(number: str) -> str:
    if not number:
        return ""
    return f"{number[:6]}********{number[-4:]}"
