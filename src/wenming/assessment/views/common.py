"""What the pages share: the download types, the office-only guard, a sheet title's filter part."""

import re

from wenming.assessment import selectors
from wenming.core.errors import NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _office_only(user):
    if not selectors.is_office(user):
        raise NotFound()


def _district_id(user):
    return selectors.district_id_of(user)


def _filter_label(tab_label, period) -> str:
    """A sheet title's filter part; the month only when it is one (a sheet name refuses / ? * [ ])."""
    parts = [tab_label or "全部"]
    if period and re.fullmatch(r"\d{4}-\d{2}", period):
        parts.append(period)
    return "，".join(parts)
