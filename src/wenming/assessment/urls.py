"""Pages of the assessment app, mounted at /assessment/."""

from django.urls import path

from wenming.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/contributions/<int:cid>/withdraw/", views.contribution_withdraw,
         name="contribution_withdraw"),
    path("tasks/<int:pk>/<str:action>/", views.task_act, name="task_act"),
    path("indicators/", views.indicators, name="indicators"),
    path("systems/<int:pk>/", views.system_detail, name="system"),
    path("systems/<int:pk>/export/", views.system_export_view, name="system_export"),
    path("responsibilities/<int:pk>/", views.responsibility_edit, name="responsibility"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/people/", views.unit_people, name="unit_people"),
    path("cards/", views.cards, name="cards"),
    path("cards/<int:pk>/<str:action>/", views.card_act, name="card_act"),
    path("problems/", views.problems, name="problems"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/<str:action>/", views.problem_act, name="problem_act"),
    path("sites/", views.sites, name="sites"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/today/", views.rounds_today, name="rounds_today"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("measures/", views.measures, name="measures"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/download/", views.bulletin_download, name="bulletin_download"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("ads/", views.ads, name="ads"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("vote/<int:pk>/", views.vote, name="vote"),
]
