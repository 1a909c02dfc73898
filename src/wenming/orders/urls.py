from django.urls import path

from wenming.orders import views

app_name = "orders"
urlpatterns = [
    path("new/", views.place, name="place"),
    path("mine/", views.mine, name="mine"),
    path("tasks/", views.tasks, name="tasks"),
    path("console/", views.console, name="console"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
