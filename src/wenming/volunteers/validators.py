"""Validation of an organisation's unified social credit code (统一社会信用代码, GB 32100-2015)."""

import re

from django.core.exceptions import ValidationError

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # no I, O, S, V, Z
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^i mod 31


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """18 characters of the code's alphabet and the GB 32100 check character; "" stays ""."""
    code = (value or "").strip().upper()
    if not code:
        return ""
    if not re.fullmatch(f"[{CREDIT_CHARS}]{{18}}", code):
        raise ValidationError("统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）", code="credit_format")
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对", code="credit_check")
    return code
