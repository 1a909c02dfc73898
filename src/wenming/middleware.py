"""Middleware that answers in the format of the part asked (handlers.py), so it sits at the
project's top beside the handlers; core's middleware knows only pages."""

from wenming.core.codes import Code
from wenming.core.inputs import has_control_characters
from wenming.handlers import bad_request


class ControlCharacterGuard:
    """Every form field and query parameter of every part (pages, admin, API, Open311) is
    refused with a 400 when it holds a control character (core.inputs); JSON bodies are checked
    by the API's parser. Before any view runs, so nothing is half-written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [dict(request.GET.lists())]
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                  "multipart/form-data"):
            fields.append(dict(request.POST.lists()))
        if has_control_characters(fields):  # names and values
            return bad_request(request, "输入有误：含有控制字符", code=Code.CONTROL_CHARACTER)
        return self.get_response(request)
