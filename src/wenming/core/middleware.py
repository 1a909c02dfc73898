from django.shortcuts import render

from wenming.core.errors import DomainError, input_fault
from wenming.core.inputs import has_control_characters


class DomainErrorMiddleware:
    """Pages: a domain refusal that escapes a view becomes a plain Chinese error page with its status.

    The API has its own handler (core.api.exception_handler); this one only sees page views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        exception = input_fault(exception) or exception
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render(request, "error.html", {"status": exception.status_code, "message": exception.message},
                      status=exception.status_code)


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
            from wenming.handlers import bad_request

            return bad_request(request, "输入有误：含有控制字符", code="control_character")
        return self.get_response(request)
