"""What an unmatched path or a fault answers, in the format of the part asked: the API's JSON
error body (DESIGN §4), Open311's own error list, or a page in Chinese. Wired in urls.py; here at
the project's top because it knows every part."""

from django.http import JsonResponse
from django.shortcuts import render

from wenming.open311.formats import error as open311_error


def not_found(request, exception=None):
    return _error(request, 404, "未找到")


def server_error(request):
    return _error(request, 500, "服务器出错，请稍后再试")


def bad_request(request, message: str, *, code: str):
    return _error(request, 400, message, code=code)


OPEN311_WORDS = {400: "bad request", 404: "not found", 500: "internal error"}


def _error(request, status: int, message: str, *, code: str | None = None):
    if request.path.startswith("/api/"):
        code = code or ("not_found" if status == 404 else "server_error")
        return JsonResponse({"detail": message, "code": code, "errors": {}}, status=status)
    if request.path.startswith("/open311/"):
        fmt = "json" if request.path.endswith(".json") else "xml"
        return open311_error(fmt, status, OPEN311_WORDS[status] if code is None else code.replace("_", " "))
    return render(request, "error.html", {"status": status, "message": message}, status=status)
