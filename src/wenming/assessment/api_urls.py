"""API endpoints of the assessment app, mounted under /api/v1/."""

from django.urls import path

from wenming.assessment import api

P = "assessment/"

urlpatterns = [
    path(P + "units/", api.UnitListApi.as_view(), name="assessment-units"),
    path(P + "units/<int:pk>/people/", api.UnitPeopleApi.as_view(), name="assessment-unit-people"),
    path(P + "systems/", api.SystemListApi.as_view(), name="assessment-systems"),
    path(P + "systems/import/", api.SystemImportApi.as_view(), name="assessment-system-import"),
    path(P + "systems/<int:pk>/indicators/", api.SystemIndicatorsApi.as_view(), name="assessment-indicators"),
    path(P + "systems/<int:pk>/export/", api.SystemExportApi.as_view(), name="assessment-system-export"),
    path(P + "systems/<int:pk>/responsibilities/import/", api.MatrixImportApi.as_view(),
         name="assessment-matrix-import"),
    path(P + "responsibilities/", api.ResponsibilityListApi.as_view(), name="assessment-responsibilities"),
    path(P + "responsibilities/<int:pk>/", api.ResponsibilityDetailApi.as_view(), name="assessment-responsibility"),
    path(P + "tasks/", api.TaskListApi.as_view(), name="assessment-tasks"),
    path(P + "tasks/<int:pk>/", api.TaskDetailApi.as_view(), name="assessment-task"),
    path(P + "tasks/<int:pk>/events/", api.TaskEventsApi.as_view(), name="assessment-task-events"),
    path(P + "tasks/<int:pk>/submit/", api.TaskSubmitApi.as_view(), name="assessment-task-submit"),
    path(P + "tasks/<int:pk>/approve/", api.TaskApproveApi.as_view(), name="assessment-task-approve"),
    path(P + "tasks/<int:pk>/return/", api.TaskReturnApi.as_view(), name="assessment-task-return"),
    path(P + "cards/", api.CardListApi.as_view(), name="assessment-cards"),
    path(P + "cards/<int:pk>/appeal/", api.CardAppealApi.as_view(), name="assessment-card-appeal"),
    path(P + "cards/<int:pk>/decide/", api.CardDecideApi.as_view(), name="assessment-card-decide"),
    path(P + "sites/", api.SiteListCreateApi.as_view(), name="assessment-sites"),
    path(P + "rounds/", api.RoundListCreateApi.as_view(), name="assessment-rounds"),
    path(P + "rounds/<int:pk>/", api.RoundDetailApi.as_view(), name="assessment-round"),
    path(P + "rounds/<int:pk>/sites/<int:site>/check/", api.RoundSiteCheckApi.as_view(),
         name="assessment-round-site-check"),
    path(P + "problems/", api.ProblemListCreateApi.as_view(), name="assessment-problems"),
    path(P + "problems/<int:pk>/", api.ProblemDetailApi.as_view(), name="assessment-problem"),
    path(P + "problems/<int:pk>/events/", api.ProblemEventsApi.as_view(), name="assessment-problem-events"),
    path(P + "problems/<int:pk>/report/", api.ProblemReportApi.as_view(), name="assessment-problem-report"),
    path(P + "problems/<int:pk>/recheck/", api.ProblemRecheckApi.as_view(), name="assessment-problem-recheck"),
    path(P + "measures/", api.MeasureListCreateApi.as_view(), name="assessment-measures"),
    path(P + "bulletins/", api.BulletinListCreateApi.as_view(), name="assessment-bulletins"),
    path(P + "bulletins/<int:pk>/download/", api.BulletinDownloadApi.as_view(), name="assessment-bulletin-download"),
    path(P + "evaluations/", api.EvaluationApi.as_view(), name="assessment-evaluations"),
    path(P + "evaluations/export/", api.EvaluationExportApi.as_view(), name="assessment-evaluations-export"),
    path(P + "ads/", api.AdListCreateApi.as_view(), name="assessment-ads"),
    path(P + "ads/<int:pk>/check/", api.AdCheckApi.as_view(), name="assessment-ad-check"),
    path(P + "campaigns/<int:pk>/nominees/", api.NomineeListCreateApi.as_view(), name="assessment-nominees"),
    path(P + "nominees/<int:pk>/vote/", api.NomineeVoteApi.as_view(), name="assessment-nominee-vote"),
]
