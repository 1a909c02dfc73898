"""What the endpoints share: the download types, parsing a request, an import's error answer."""

from rest_framework.response import Response

from wenming.assessment.imports import ImportErrors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _parse(serializer_class, request):
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _files(request, name):
    return request.FILES.getlist(name) if hasattr(request, "FILES") else []


def _import_error(exc: ImportErrors) -> Response:
    return Response({"detail": exc.message, "code": exc.code, "errors": exc.errors, "rows": exc.rows}, status=400)
