from django.urls import path

from wenming.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_open, name="notice-open"),
    path("notices/settings/", views.notice_settings, name="notice-settings"),
    path("notices/outbox/", views.notice_outbox, name="notice-outbox"),
]
