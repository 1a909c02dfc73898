"""API endpoints of the demands app, mounted under /api/v1/."""

from django.urls import path

from wenming.demands import api

urlpatterns = [
    path("demands/", api.DemandListCreateApi.as_view(), name="demand-list"),
    path("demands/categories/", api.CategoryListApi.as_view(), name="demand-categories"),
    path("demands/inbox/", api.InboxApi.as_view(), name="demand-inbox"),
    path("demands/households/", api.HouseholdListApi.as_view(), name="demand-households"),
    path("demands/households/<int:pk>/visits/", api.VisitCreateApi.as_view(), name="demand-household-visit"),
    path("demands/households/import/", api.HouseholdImportApi.as_view(), name="demand-households-import"),
    path("demands/hotline/import/", api.HotlineImportApi.as_view(), name="demand-hotline-import"),
    path("demands/rates/", api.RatesApi.as_view(), name="demand-rates"),
    path("demands/rankings/", api.RankingApi.as_view(), name="demand-rankings"),
    path("demands/rankings/export/", api.RankingExportApi.as_view(), name="demand-rankings-export"),
    path("demands/<int:pk>/", api.DemandDetailApi.as_view(), name="demand-detail"),
    path("demands/<int:pk>/events/", api.DemandEventsApi.as_view(), name="demand-events"),
    path("demands/<int:pk>/duplicates/", api.DemandDuplicatesApi.as_view(), name="demand-duplicates"),
    path("demands/<int:pk>/accept/", api.DemandAcceptApi.as_view(), name="demand-accept"),
    path("demands/<int:pk>/reject/", api.DemandRejectApi.as_view(), name="demand-reject"),
    path("demands/<int:pk>/merge/", api.DemandMergeApi.as_view(), name="demand-merge"),
    path("demands/<int:pk>/assign/", api.DemandAssignApi.as_view(), name="demand-assign"),
    path("demands/<int:pk>/sign/", api.DemandSignApi.as_view(), name="demand-sign"),
    path("demands/<int:pk>/reply/", api.DemandReplyApi.as_view(), name="demand-reply"),
    path("demands/<int:pk>/callback/", api.DemandCallbackApi.as_view(), name="demand-callback"),
    path("demands/<int:pk>/return/", api.DemandReturnApi.as_view(), name="demand-return"),
    path("demands/<int:pk>/return-decision/", api.DemandReturnDecisionApi.as_view(), name="demand-return-decision"),
    path("demands/<int:pk>/extension/", api.DemandExtensionApi.as_view(), name="demand-extension"),
    path("demands/<int:pk>/extension-decision/", api.DemandExtensionDecisionApi.as_view(),
         name="demand-extension-decision"),
    path("demands/<int:pk>/urge/", api.DemandUrgeApi.as_view(), name="demand-urge"),
]
