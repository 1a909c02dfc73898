from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render

from wenming.core.navigation import start_page_for
from wenming.core.notices import inbox, mark_read, open_notice
from wenming.core.pages import run_service


def home(request):
    if request.user.is_authenticated:
        target = start_page_for(request.user)
        if target:
            return redirect(target)
    return render(request, "core/home.html")


@login_required
def notices(request):
    if request.method == "POST":
        run_service(request, mark_read, request.user, success="已全部标为已读")
        return redirect("notices")
    page = Paginator(inbox(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notices.html", {"page": page})


@login_required
def notice_open(request, pk: int):
    notice = open_notice(request.user, pk)
    return redirect(notice.link or "notices")


def locked_out(request, original_response=None, credentials=None):
    """What a sign-in locked by django-axes (settings.AXES_*) answers: 429, in the API's error
    format on /api/, else a page in Chinese saying for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = f"连续输错密码次数过多，请 {minutes} 分钟后再试"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out", "errors": {}}, status=429)
    return render(request, "registration/locked_out.html",
                  {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}, status=429)



def media_file(request, path):
    """An uploaded file, for those who may read its record (core.media)."""
    from wenming.core.media import media_response

    return media_response(request, path)
