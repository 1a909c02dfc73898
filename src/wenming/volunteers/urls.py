"""Pages of the volunteers app, mounted at /volunteers/."""

from django.urls import path

from wenming.volunteers import views

app_name = "volunteers"
urlpatterns: list = [
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("certificates/new/", views.certificate_new, name="certificate-new"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke_view, name="certificate-revoke"),
    path("verify/", views.verify, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("review/", views.review, name="review"),
    path("import/", views.import_volunteers, name="import"),
    path("review/<int:pk>/", views.review_act, name="review-act"),
]
