from django.shortcuts import render

from wenming.core.errors import DomainError, input_fault


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
