"""API endpoints of the activities app, mounted under /api/v1/."""

from django.urls import path

from wenming.activities import api

urlpatterns: list = [
    path("activities/", api.ActivityListCreateApi.as_view(), name="activities"),
    path("activities/scan/", api.ScanApi.as_view(), name="activity-scan"),
    path("honours/", api.HonourListCreateApi.as_view(), name="honours"),
    path("honours/candidates/", api.HonourCandidatesApi.as_view(), name="honour-candidates"),
    path("honours/publish/", api.HonourPublishApi.as_view(), name="honours-publish"),
    path("honours/roll/", api.HonourRollApi.as_view(), name="honour-roll"),
    path("speakers/", api.SpeakerListApi.as_view(), name="speakers"),
    path("honours/<int:pk>/review/", api.HonourReviewApi.as_view(), name="honour-review"),
    path("activities/<int:pk>/", api.ActivityDetailApi.as_view(), name="activity-detail"),
    path("activities/<int:pk>/cancel/", api.ActivityCancelApi.as_view(), name="activity-cancel"),
    path("activities/<int:pk>/signup/", api.SignupApi.as_view(), name="activity-signup"),
    path("activities/<int:pk>/signup/cancel/", api.SignupCancelApi.as_view(), name="activity-signup-cancel"),
    path("activities/<int:pk>/attendance/", api.AttendanceApi.as_view(), name="activity-attendance"),
    path("activities/<int:pk>/confirm/", api.ConfirmApi.as_view(), name="activity-confirm"),
    path("activities/<int:pk>/qr/", api.QrApi.as_view(), name="activity-qr"),
]
