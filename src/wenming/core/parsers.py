"""The API's parsers. Apart from core.api because DRF's views module reads DEFAULT_PARSER_CLASSES
when it is imported: a parser module that imports rest_framework.views could not be loaded first.

Every view that names its own parsers takes these, so the depth and character limits hold for
uploads' JSON too.
"""

import io

from rest_framework import exceptions, parsers
from rest_framework.parsers import FormParser, MultiPartParser

from wenming.core.codes import Code
from wenming.core.inputs import has_control_characters

__all__ = ["JSONParser", "FormParser", "MultiPartParser", "UPLOAD_PARSERS"]

MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than MAX_JSON_DEPTH before it is parsed
    (json.loads recurses, and a thousand brackets end in a RecursionError, a 500), and a body
    that is not an object."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        depth = 0
        in_string = escaped = False
        for ch in raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw:
            if in_string:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch in "[{":
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise exceptions.ParseError(f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层")
            elif ch in "]}":
                depth -= 1
        data = super().parse(io.BytesIO(raw if isinstance(raw, bytes) else raw.encode()), media_type, parser_context)
        if not isinstance(data, dict):
            # every call of the API takes an object; a list or a bare value would reach views as
            # something without .get()
            raise exceptions.ParseError("请求体应为 JSON 对象")
        if has_control_characters(data):
            raise exceptions.ParseError("输入有误：含有控制字符", code=Code.CONTROL_CHARACTER)
        return data


# calls that take a file, or the same fields as JSON
UPLOAD_PARSERS = [JSONParser, MultiPartParser, FormParser]
