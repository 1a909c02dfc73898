from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wenming.dashboard"
    label = "dashboard"
    verbose_name = "数据大屏"
