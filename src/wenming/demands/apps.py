from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "wenming.demands"
    label = "demands"
    verbose_name = "群众诉求"

    def ready(self):
        from wenming.core.media import MediaKind, register
        from wenming.demands import selectors

        register(MediaKind("demands/", "demands.DemandPhoto", "image", selectors.demand_photo_readable))
