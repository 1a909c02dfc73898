"""Pages of the assessment app, mounted at /assessment/."""

from django.urls import path  # noqa: F401

app_name = "assessment"
urlpatterns: list = []
