from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "wenming.orders"
    label = "orders"
    verbose_name = "服务订单"

    def ready(self):
        from wenming.core.media import MediaKind, register
        from wenming.orders import selectors

        register(MediaKind("orders/", "orders.OrderPhoto", "image", selectors.order_photo_readable))
