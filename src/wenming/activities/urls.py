"""Pages of the activities app, mounted at /activities/."""

from django.urls import path

from wenming.activities import views

app_name = "activities"
urlpatterns: list = [
    path("", views.calendar, name="list"),
    path("month/", views.month, name="month"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.publish, name="publish"),
    path("scan/", views.scan, name="scan"),
    path("honours/", views.honours, name="honours"),
    path("honours/roll/", views.honour_roll, name="honour-roll"),
    path("speakers/", views.speakers, name="speakers"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/signup/", views.signup, name="signup"),
    path("<int:pk>/signup/cancel/", views.signup_cancel, name="signup-cancel"),
    path("<int:pk>/qr/", views.venue_qr, name="qr"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
]
