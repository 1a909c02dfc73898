from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "wenming.orders"
    label = "orders"
    verbose_name = "服务订单"
