"""Pages of the activities app, mounted at /activities/."""

from django.urls import path  # noqa: F401

app_name = "activities"
urlpatterns: list = []
