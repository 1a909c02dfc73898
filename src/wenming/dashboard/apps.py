from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wenming.dashboard"
    label = "dashboard"
    verbose_name = "数据大屏"

    def ready(self):
        from django.db.models.signals import post_save

        from wenming.demands.models import DemandEvent

        post_save.connect(_demand_event_saved, sender=DemandEvent, dispatch_uid="dashboard_dirty_day")


def _demand_event_saved(sender, instance, created, **kwargs):
    # every change to a demand or its assignments appends an event (demands.services._event)
    if created:
        from wenming.dashboard.demand_rates import mark_changed

        mark_changed(instance.demand)
