"""Pages of the demands app, mounted at /demands/."""

from django.urls import path  # noqa: F401

app_name = "demands"
urlpatterns: list = []
