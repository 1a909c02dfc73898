"""Account pages: sign in (with a password, or a phone and its SMS code), sign out, change
one's password."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from wenming.core.clientip import client_ip
from wenming.core.errors import DomainError
from wenming.regions import wechat_signin
from wenming.regions.auth import token_revoke
from wenming.regions.phone_signin import phone_code_send, phone_sign_in
from wenming.regions.selectors import villages_for_signup

WECHAT_PENDING = "wechat_openid_pending"  # session key: a WeChat identity waiting for its account
WECHAT_STATE = "wechat_state"


class LogoutView(auth_views.LogoutView):
    """Signing out of the pages retires the account's API token too."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            token_revoke(request.user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every signed-in person changes their own password here (the old one, then the new one
    twice, checked by the password validators); the account's API token expires with it."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "密码已修改")
        return response


def phone_login(request):
    """手机号登录: a code by SMS, then the code; a first sign-in also asks for a name and the
    person's village or community, and registers a citizen's account."""
    post = request.POST
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    ctx = {"phone": post.get("phone", "")[:20], "next": target, "register": False, "sent": False, "errors": {}}
    if request.method == "POST":
        try:
            if post.get("action") == "send":
                phone_code_send(phone=post.get("phone", ""), ip=client_ip(request))
                ctx["sent"] = True
                messages.success(request, "验证码已发送，5 分钟内有效")
            else:
                user, created = phone_sign_in(phone=post.get("phone", ""), code=post.get("code", ""),
                                              name=post.get("name", ""), node_id=post.get("node"))
                pending = request.session.pop(WECHAT_PENDING, None)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                if pending:  # came from the 公众号: bind it now that the phone is proved
                    try:
                        wechat_signin.wechat_bind(user=user, openid=pending)
                        messages.success(request, "已绑定微信，以后从公众号菜单即可直接进入")
                    except DomainError as exc:
                        messages.error(request, exc.message)
                messages.success(request, "注册成功，欢迎使用" if created else "登录成功")
                return redirect(target or "home")
        except DomainError as exc:
            ctx["sent"] = post.get("action") != "send" or ctx["sent"]
            ctx["register"] = exc.code == "registration_needed" or bool(post.get("name"))
            ctx["errors"] = {k: "；".join(v) for k, v in exc.errors.items()}
            if exc.code == "registration_needed" and not post.get("name"):
                ctx["errors"] = {}  # the first time these fields are asked for is not a mistake
            if not exc.errors or exc.code == "registration_needed":
                messages.error(request, exc.message)
            ctx["code"] = post.get("code", "")[:6] if exc.code == "registration_needed" else ""
    if ctx["register"]:
        ctx["villages"] = villages_for_signup()
    return render(request, "registration/phone_login.html", ctx)


def wechat_login(request):
    """The 公众号 menu's entry: off to WeChat for the person's identity, then back."""
    if not wechat_signin.configured():
        messages.error(request, "本平台尚未接入微信公众号，请用手机号登录")
        return redirect("phone-login")
    import secrets

    from django.urls import reverse

    state = secrets.token_urlsafe(16)
    request.session[WECHAT_STATE] = state
    return redirect(wechat_signin.authorize_url(redirect_uri=request.build_absolute_uri(reverse("wechat-callback")),
                                                state=state))


def wechat_callback(request):
    """WeChat sends the person back with a code: a bound account signs in; a new WeChat identity
    waits in the session while the person proves their phone once."""
    expected = request.session.pop(WECHAT_STATE, None)
    if not expected or request.GET.get("state") != expected:
        messages.error(request, "微信授权已过期，请从公众号菜单重新进入")
        return redirect("phone-login")
    try:
        openid = wechat_signin.openid_for(request.GET.get("code"))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("phone-login")
    user = wechat_signin.account_of(openid)
    if user is not None:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    if request.user.is_authenticated:
        try:
            wechat_signin.wechat_bind(user=request.user, openid=openid)
            messages.success(request, "已绑定微信")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("home")
    request.session[WECHAT_PENDING] = openid
    messages.info(request, "首次从微信进入，请用手机号验证一次，以后即可直接进入")
    return redirect("phone-login")

