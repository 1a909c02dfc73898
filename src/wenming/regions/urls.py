from django.contrib.auth import views as auth_views
from django.urls import path

from wenming.regions import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("login/phone/", views.phone_login, name="phone-login"),
    path("login/wechat/", views.wechat_login, name="wechat-login"),
    path("login/wechat/callback/", views.wechat_callback, name="wechat-callback"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
