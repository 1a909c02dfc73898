from django.urls import path

from wenming.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("definitions/", views.definitions, name="definitions"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("monthly/", views.monthly_report, name="monthly"),
]
