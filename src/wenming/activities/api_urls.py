"""API endpoints of the activities app, mounted under /api/v1/."""

from django.urls import path

from wenming.activities import api

urlpatterns: list = [
    path("activities/", api.ActivityListCreateApi.as_view(), name="activities"),
    path("activities/scan/", api.ScanApi.as_view(), name="activity-scan"),
    path("activities/<int:pk>/", api.ActivityDetailApi.as_view(), name="activity-detail"),
    path("activities/<int:pk>/cancel/", api.ActivityCancelApi.as_view(), name="activity-cancel"),
    path("activities/<int:pk>/signup/", api.SignupApi.as_view(), name="activity-signup"),
    path("activities/<int:pk>/signup/cancel/", api.SignupCancelApi.as_view(), name="activity-signup-cancel"),
    path("activities/<int:pk>/attendance/", api.AttendanceApi.as_view(), name="activity-attendance"),
    path("activities/<int:pk>/confirm/", api.ConfirmApi.as_view(), name="activity-confirm"),
    path("activities/<int:pk>/qr/", api.QrApi.as_view(), name="activity-qr"),
]
