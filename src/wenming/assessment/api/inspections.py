"""Weekly inspection endpoints: sites, rounds and their checks, the monthly bulletins."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.assessment import selectors, services
from wenming.assessment.api.common import DOCX, _parse
from wenming.assessment.bulletins import bulletin_issue
from wenming.assessment.serializers import (
    AssessBulletinIn,
    AssessBulletinOut,
    AssessRoundIn,
    AssessRoundOut,
    AssessSiteIn,
    AssessSiteOut,
)
from wenming.core.idempotency import idempotent


class SiteListCreateApi(generics.ListAPIView):
    serializer_class = AssessSiteOut

    def get_queryset(self):
        return selectors.site_list_for(user=self.request.user)

    @extend_schema(request=AssessSiteIn, responses={201: AssessSiteOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessSiteIn, request)
        site = services.site_create(actor=request.user, name=data["name"], kind=data["kind"], unit_id=data["unit"],
                                    address=data["address"], latitude=data["latitude"], longitude=data["longitude"])
        return Response(AssessSiteOut(site).data, status=201)


class RoundListCreateApi(generics.ListAPIView):
    """Weekly inspection rounds (周督查); problems name their round."""

    serializer_class = AssessRoundOut

    def get_queryset(self):
        return selectors.round_list_for(user=self.request.user)

    @extend_schema(request=AssessRoundIn, responses={201: AssessRoundOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessRoundIn, request)
        rnd = services.round_create(actor=request.user, title=data["title"], date=data["date"], note=data["note"],
                                    inspector_ids=data["inspectors"], site_ids=data["sites"])
        return Response(AssessRoundOut(rnd).data, status=201)


class RoundDetailApi(generics.RetrieveAPIView):
    serializer_class = AssessRoundOut

    def get_object(self):
        return selectors.round_get_for(user=self.request.user, round_id=self.kwargs["pk"])


class RoundSiteCheckApi(APIView):
    """The inspector has visited a site of the round and found nothing to record."""

    @extend_schema(request=None, responses=AssessRoundOut)
    def post(self, request, pk, site):
        services.round_site_check(actor=request.user, round_id=pk, site_id=site)
        return Response(AssessRoundOut(selectors.round_get_for(user=request.user, round_id=pk)).data)


class BulletinListCreateApi(generics.ListAPIView):
    serializer_class = AssessBulletinOut

    def get_queryset(self):
        return selectors.bulletin_list_for(user=self.request.user)

    @extend_schema(request=AssessBulletinIn, responses={201: AssessBulletinOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessBulletinIn, request)
        return Response(AssessBulletinOut(bulletin_issue(actor=request.user, period=data["period"])).data, status=201)


class BulletinDownloadApi(APIView):
    @extend_schema(responses={(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="通报 Word 文档")})
    def get(self, request, pk):
        bulletin = selectors.bulletin_get_for(user=request.user, bulletin_id=pk)
        with bulletin.file.open("rb") as fh:
            response = HttpResponse(fh.read(), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.period}.docx"'
        return response
