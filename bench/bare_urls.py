from django.urls import path

from bench import bare_views

urlpatterns = [
    path("bare/ping/", bare_views.ping),
    path("bare/orders/", bare_views.place),
    path("bare/orders/<int:pk>/<str:action>/", bare_views.act),
]
