"""Account pages: sign in, sign out, change one's password."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from wenming.regions.auth import token_revoke


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
