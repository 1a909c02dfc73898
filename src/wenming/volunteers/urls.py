"""Pages of the volunteers app, mounted at /volunteers/."""

from django.urls import path

from wenming.volunteers import views, views_join

app_name = "volunteers"
urlpatterns: list = [
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("certificates/new/", views.certificate_new, name="certificate-new"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("certificates/<str:code>/pdf/", views.certificate_pdf_view, name="certificate-pdf"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke_view, name="certificate-revoke"),
    path("verify/", views.verify, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("review/", views.review, name="review"),
    path("import/", views.import_volunteers, name="import"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("teams/<int:team_pk>/leave/", views.team_leave_view, name="team-leave"),
    path("join/", views_join.join, name="join"),
    path("join/<int:pk>/withdraw/", views_join.join_withdraw, name="join-withdraw"),
    path("org/leave/", views_join.org_leave, name="org-leave"),
    path("requests/", views_join.requests_inbox, name="requests"),
    path("orgs/<int:pk>/manage/", views_join.org_manage, name="org-manage"),
    path("orgs/", views.org_list, name="orgs"),
    path("orgs/new/", views.org_register, name="org-register"),
    path("orgs/<int:pk>/", views.org_detail, name="org"),
    path("orgs/<int:pk>/review/", views.org_review_act, name="org-review"),
    path("review/<int:pk>/", views.review_act, name="review-act"),
]
