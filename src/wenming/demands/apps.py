from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "wenming.demands"
    label = "demands"
    verbose_name = "群众诉求"
