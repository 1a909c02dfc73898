from django.contrib.auth import views as auth_views
from django.urls import path

from wenming.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_open, name="notice-open"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
