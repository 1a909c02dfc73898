"""API endpoints of the dashboard, mounted under /api/v1/."""

from django.urls import path

from wenming.dashboard import api

urlpatterns: list = [
    path("dashboard/", api.DashboardApi.as_view(), name="dashboard"),
]
