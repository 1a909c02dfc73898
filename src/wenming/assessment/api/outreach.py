"""Outreach endpoints: public-service ads, nominations and the public vote."""

import secrets

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.assessment import outreach, selectors
from wenming.assessment.api.common import _parse
from wenming.assessment.serializers import (
    AssessAdCheckIn,
    AssessAdIn,
    AssessAdOut,
    AssessNominateIn,
    AssessNomineeOut,
    AssessVoteIn,
)
from wenming.core.clientip import client_ip
from wenming.core.idempotency import idempotent
from wenming.core.parsers import UPLOAD_PARSERS


class AdListCreateApi(generics.ListAPIView):
    serializer_class = AssessAdOut
    parser_classes = UPLOAD_PARSERS

    def get_queryset(self):
        return selectors.ad_list_for(user=self.request.user)

    @extend_schema(request={"multipart/form-data": AssessAdIn}, responses={201: AssessAdOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessAdIn, request)
        ad = outreach.ad_record(actor=request.user, place=data["place"], kind=data["kind"], size=data["size"],
                                unit_id=data["unit"], photo=data["photo"], condition=data["condition"])
        return Response(AssessAdOut(ad, context={"request": request}).data, status=201)


class AdCheckApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request={"multipart/form-data": AssessAdCheckIn}, responses=AssessAdOut)
    def post(self, request, pk):
        data = _parse(AssessAdCheckIn, request)
        return Response(AssessAdOut(outreach.ad_check(actor=request.user, ad_id=pk, condition=data["condition"],
                                                      note=data["note"], photo=data["photo"]), context={"request": request}).data)


class NomineeListCreateApi(APIView):
    """Public list of a campaign's approved nominees; signed-in people nominate."""

    parser_classes = UPLOAD_PARSERS

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=AssessNomineeOut(many=True))
    def get(self, request, pk):
        return Response(AssessNomineeOut(selectors.nominee_list_public(campaign_id=pk), many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": AssessNominateIn}, responses={201: AssessNomineeOut})
    @idempotent
    def post(self, request, pk):
        data = _parse(AssessNominateIn, request)
        nominee = outreach.nominee_nominate(actor=request.user, campaign_id=pk, name=data["name"],
                                            category=data["category"], story=data["story"], photo=data["photo"])
        return Response(AssessNomineeOut(nominee, context={"request": request}).data, status=201)


VOTER_COOKIE = "wm_voter"


def cast_vote(request, *, nominee_id, phone: str = ""):
    """Who is voting (account, phone or browser cookie) and from where; returns (nominee, new cookie or None)."""
    cookie = request.COOKIES.get(VOTER_COOKIE, "")
    new_cookie = None
    if not getattr(request.user, "is_authenticated", False) and not phone and not cookie:
        new_cookie = cookie = secrets.token_hex(16)
    voter = outreach.voter_key(user=request.user, phone=phone, cookie=cookie)
    nominee = outreach.nominee_vote(nominee_id=nominee_id, voter=voter, ip=client_ip(request))
    return nominee, new_cookie


class NomineeVoteApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=AssessVoteIn, responses=AssessNomineeOut)
    def post(self, request, pk):
        data = _parse(AssessVoteIn, request)
        nominee, new_cookie = cast_vote(request, nominee_id=pk, phone=data["phone"])
        response = Response(AssessNomineeOut(nominee, context={"request": request}).data)
        if new_cookie:
            response.set_cookie(VOTER_COOKIE, new_cookie, max_age=400 * 86400, httponly=True, samesite="Lax")
        return response
