"""Pages of the volunteers app, mounted at /volunteers/."""

from django.urls import path  # noqa: F401

app_name = "volunteers"
urlpatterns: list = []
