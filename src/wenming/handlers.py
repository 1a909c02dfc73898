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


def _error(request, status: int, message: str):
    if request.path.startswith("/api/"):
        code = "not_found" if status == 404 else "server_error"
        return JsonResponse({"detail": message, "code": code, "errors": {}}, status=status)
    if request.path.startswith("/open311/"):
        fmt = "json" if request.path.endswith(".json") else "xml"
        return open311_error(fmt, status, "not found" if status == 404 else "internal error")
    return render(request, "error.html", {"status": status, "message": message}, status=status)
