"""Pages of the demands app, mounted at /demands/."""

from django.urls import path

from wenming.demands import imports, views

app_name = "demands"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("households/", views.households, name="households"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/import/", imports.households_import_view, name="households_import"),
    path("hotline/import/", imports.hotline_import_view, name="hotline_import"),
    path("inbox/", views.inbox, name="inbox"),
    path("board/", views.board, name="board"),
    path("overdue/", views.overdue, name="overdue"),
    path("ledger.xlsx", views.ledger, name="ledger"),
    path("rankings/", views.rankings, name="rankings"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("rankings/export/", views.rankings_export, name="rankings_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
