from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "wenming.regions"
    label = "regions"
    verbose_name = "区域与用户"
