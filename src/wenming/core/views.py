from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render

from wenming.core.navigation import start_page_for
from wenming.core.notices import (
    channel_settings_for,
    channel_settings_save,
    deliveries_for,
    inbox,
    mark_read,
    open_notice,
)
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
    unread, q = request.GET.get("unread") == "1", request.GET.get("q", "")
    page = Paginator(inbox(request.user, unread=unread, q=q), 30).get_page(request.GET.get("page"))
    return render(request, "core/notices.html", {"page": page, "unread": unread, "q": q[:50]})


@login_required
def notice_settings(request):
    """消息设置: the person chooses SMS and WeChat per kind of message (the inbox gets every one)."""
    rows = channel_settings_for(request.user)
    if request.method == "POST":
        wanted = {r["kind"].code: {ch for ch in ("sms", "wechat") if request.POST.get(f"{r['kind'].code}:{ch}")}
                  for r in rows}
        if run_service(request, channel_settings_save, user=request.user, wanted=wanted, success="消息设置已保存"):
            return redirect("notice-settings")
    return render(request, "core/notice_settings.html", {"rows": rows,
                                                          "bound": bool(request.user.wechat_openid),
                                                          "phone": bool(request.user.phone)})


@login_required
def notice_outbox(request):
    """发送记录: the SMS and WeChat messages sent (or, without providers, logged) to the person,
    and for a district's office and centre admins to everyone in the district."""
    page = Paginator(deliveries_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/notice_outbox.html", {"page": page})


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
