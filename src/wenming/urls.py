from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from wenming.core import notices_api
from wenming.core import views as core_views
from wenming.orders import api as orders_api
from wenming.regions import api as regions_api
from wenming.volunteers import api as volunteers_api

admin.site.site_header = "文明实践云平台 · 后台管理"
admin.site.site_title = "文明实践云平台"
admin.site.index_title = "管理首页"

api_v1 = [
    path("auth/token/", regions_api.TokenApi.as_view(), name="token"),
    path("auth/phone-code/", regions_api.PhoneCodeApi.as_view(), name="phone-code"),
    path("auth/phone-login/", regions_api.PhoneLoginApi.as_view(), name="phone-login"),
    path("auth/logout/", regions_api.LogoutApi.as_view(), name="logout"),
    path("me/", volunteers_api.MeApi.as_view(), name="me"),
    path("notices/", notices_api.NoticeListApi.as_view(), name="notices"),
    path("notices/read/", notices_api.NoticeReadApi.as_view(), name="notices-read"),
    path("service-items/", orders_api.ServiceItemListApi.as_view(), name="service-items"),
    path("teams/", orders_api.TeamListApi.as_view(), name="teams"),
    path("teams/<int:pk>/", volunteers_api.TeamDetailApi.as_view(), name="team-detail"),
    path("orders/", orders_api.OrderListCreateApi.as_view(), name="orders"),
    path("orders/<int:pk>/", orders_api.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:pk>/events/", orders_api.OrderEventsApi.as_view(), name="order-events"),
    path("orders/<int:pk>/dispatch/", orders_api.OrderDispatchApi.as_view(), name="order-dispatch"),
    path("orders/<int:pk>/withdraw/", orders_api.OrderWithdrawApi.as_view(), name="order-withdraw"),
    path("orders/<int:pk>/recommend/", orders_api.OrderRecommendApi.as_view(), name="order-recommend"),
    path("orders/<int:pk>/accept/", orders_api.OrderAcceptApi.as_view(), name="order-accept"),
    path("orders/<int:pk>/appoint/", orders_api.OrderAppointApi.as_view(), name="order-appoint"),
    path("orders/<int:pk>/decline/", orders_api.OrderDeclineApi.as_view(), name="order-decline"),
    path("orders/<int:pk>/complete/", orders_api.OrderCompleteApi.as_view(), name="order-complete"),
    path("orders/<int:pk>/photos/", orders_api.OrderPhotosApi.as_view(), name="order-photos"),
    path("orders/<int:pk>/rate/", orders_api.OrderRateApi.as_view(), name="order-rate"),
    path("orders/<int:pk>/cancel/", orders_api.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<int:pk>/reject/", orders_api.OrderRejectApi.as_view(), name="order-reject"),
    path("", include("wenming.volunteers.api_urls")),
    path("", include("wenming.activities.api_urls")),
    path("", include("wenming.demands.api_urls")),
    path("", include("wenming.assessment.api_urls")),
    path("", include("wenming.dashboard.api_urls")),
]

urlpatterns = [
    # browsers ask for /favicon.ico before reading the page's icon link
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("", include("wenming.core.urls")),
    path("", include("wenming.regions.urls")),
    path("orders/", include("wenming.orders.urls")),
    path("volunteers/", include("wenming.volunteers.urls")),
    path("activities/", include("wenming.activities.urls")),
    path("demands/", include("wenming.demands.urls")),
    path("assessment/", include("wenming.assessment.urls")),
    path("open311/v2/", include("wenming.open311.urls")),
    path("dashboard/", include("wenming.dashboard.urls")),
    # uploads only to those who may read their record (core.media); behind nginx the app checks
    # and nginx sends the file (MEDIA_ACCEL_REDIRECT)
    re_path(r"^media/(?P<path>.*)$", core_views.media_file, name="media"),
]

# unmatched paths and faults answer in the format of the part asked (core.views)
handler404 = "wenming.handlers.not_found"
handler500 = "wenming.handlers.server_error"
