from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.core.api import SettingsAnonThrottle
from wenming.core.errors import InvalidInput
from wenming.regions.auth import token_issue, token_revoke


class TokenThrottle(SettingsAnonThrottle):
    scope = "auth_token"


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128)


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenIn, responses=inline_serializer("TokenOut", {"token": serializers.CharField()}))
    def post(self, request):
        s = TokenIn(data=request.data)
        s.is_valid(raise_exception=True)
        # the Django request, not DRF's wrapper: django-axes marks a locked-out sign-in on it
        user = authenticate(request._request, **s.validated_data)
        if user is None or not user.is_active:
            raise InvalidInput("用户名或密码错误", code="bad_credentials",
                               errors={"non_field_errors": ["用户名或密码错误"]})
        return Response({"token": token_issue(user).key})


class LogoutApi(APIView):
    """Retires the caller's API token (and ends the page session, if the call came with one)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        token_revoke(request.user)
        if request.session.session_key:
            from django.contrib.auth import logout

            logout(request._request)
        return Response(status=204)
