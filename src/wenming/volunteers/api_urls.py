"""API endpoints of the volunteers app, mounted under /api/v1/."""

from django.urls import path

from wenming.volunteers import api, api_join

urlpatterns: list = [
    path("volunteers/register/", api.VolunteerRegisterApi.as_view(), name="volunteer-register"),
    path("volunteers/me/", api.VolunteerMeApi.as_view(), name="volunteer-me"),
    path("volunteers/me/records/", api.VolunteerRecordsApi.as_view(), name="volunteer-records"),
    path("volunteers/import/", api.VolunteerImportApi.as_view(), name="volunteer-import"),
    path("volunteers/pending/", api.VolunteerPendingApi.as_view(), name="volunteer-pending"),
    path("volunteers/<int:pk>/review/", api.VolunteerReviewApi.as_view(), name="volunteer-review"),
    path("volunteers/<int:pk>/transfer/", api.VolunteerTransferApi.as_view(), name="volunteer-transfer"),
    path("teams/<int:pk>/members/", api.TeamMemberAddApi.as_view(), name="team-member-add"),
    path("teams/<int:pk>/members/<int:volunteer_id>/remove/", api.TeamMemberRemoveApi.as_view(),
         name="team-member-remove"),
    path("volunteer-orgs/", api.OrgListCreateApi.as_view(), name="volunteer-orgs"),
    path("volunteer-orgs/<int:pk>/", api.OrgDetailApi.as_view(), name="volunteer-org-detail"),
    path("volunteer-orgs/<int:pk>/review/", api.OrgReviewApi.as_view(), name="volunteer-org-review"),
    path("volunteer-orgs/<int:pk>/members/", api_join.OrgMembersApi.as_view(), name="volunteer-org-members"),
    path("volunteer-orgs/<int:pk>/members/<int:volunteer_id>/remove/", api_join.OrgMemberRemoveApi.as_view(),
         name="volunteer-org-member-remove"),
    path("volunteer-orgs/<int:pk>/teams/", api_join.OrgTeamsApi.as_view(), name="volunteer-org-teams"),
    path("join-requests/", api_join.JoinRequestListCreateApi.as_view(), name="join-requests"),
    path("join-requests/<int:pk>/approve/", api_join.JoinRequestApproveApi.as_view(), name="join-request-approve"),
    path("join-requests/<int:pk>/decline/", api_join.JoinRequestDeclineApi.as_view(), name="join-request-decline"),
    path("join-requests/<int:pk>/withdraw/", api_join.JoinRequestWithdrawApi.as_view(),
         name="join-request-withdraw"),
    path("volunteers/me/leave-org/", api_join.LeaveOrgApi.as_view(), name="volunteer-leave-org"),
    path("service-records/<int:pk>/reverse/", api.RecordReverseApi.as_view(), name="record-reverse"),
    path("certificates/", api.CertificateListCreateApi.as_view(), name="certificates"),
    path("certificates/<int:pk>/revoke/", api.CertificateRevokeApi.as_view(), name="certificate-revoke"),
    path("certificates/verify/<str:code>/", api.CertificateVerifyApi.as_view(), name="certificate-verify"),
]
