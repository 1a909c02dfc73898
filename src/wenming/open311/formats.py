"""GeoReport v2 bodies in JSON or XML, UTF-8. Lists are arrays (JSON) or repeated elements under
the plural root (XML), even with one item; ids and codes are strings; booleans read true/false."""

import json
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from wenming.core.inputs import without_control_characters

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# XML: the root and item element of each kind of answer
ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "updates": ("service_request_updates", "request_update"),
    "errors": ("errors", "error"),
}
# nested lists inside an item: field → element name of each entry
NESTED = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _clean(data):
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    return _json_value(data)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # input refuses control characters; what was stored before must not make the feed malformed
    return without_control_characters(str(value))


def without_empty(row: dict, *, keep: tuple[str, ...] = ("service_request_id", "status")) -> dict:
    """GeoReport v2 leaves an optional field out when it has no value: an empty
    expected_datetime or media_url fails the official schema's dateTime and URI checks."""
    return {k: v for k, v in row.items() if k in keep or v not in ("", None)}


def _fill(element: ET.Element, data: dict) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            tag = NESTED[key]
            for entry in value:
                sub = ET.SubElement(child, tag)
                if isinstance(entry, dict):
                    _fill(sub, entry)
                else:
                    sub.text = _text(entry)
        else:
            child.text = _text(value)


def to_xml(data, *, root: str, item: str | None = None) -> bytes:
    element = ET.Element(root)
    if item is None:
        _fill(element, data)
    else:
        for entry in data:
            _fill(ET.SubElement(element, item), entry)
    return ET.tostring(element, encoding="UTF-8", xml_declaration=True)


def respond(fmt: str, data, *, kind: str | None = None, root: str | None = None, status: int = 200) -> HttpResponse:
    """`kind` names a list answer (see ROOTS); `root` a single document (discovery, service_definition)."""
    if fmt == "json":
        body = json.dumps(_clean(data), ensure_ascii=False).encode("utf-8")
    elif kind is not None:
        body = to_xml(data, root=ROOTS[kind][0], item=ROOTS[kind][1])
    else:
        body = to_xml(data, root=root)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, code: int, description: str) -> HttpResponse:
    return respond(fmt, [{"code": code, "description": description}], kind="errors", status=code)
