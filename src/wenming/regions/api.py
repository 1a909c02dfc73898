from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.core.api import SettingsAnonThrottle
from wenming.core.clientip import client_ip
from wenming.core.errors import InvalidInput
from wenming.regions.auth import token_issue, token_revoke
from wenming.regions.codes import Code
from wenming.regions.phone_signin import phone_code_send, phone_sign_in


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
            raise InvalidInput("用户名或密码错误", code=Code.BAD_CREDENTIALS,
                               errors={"non_field_errors": ["用户名或密码错误"]})
        return Response({"token": token_issue(user).key})


class PhoneCodeIn(serializers.Serializer):
    phone = serializers.CharField(max_length=20)


class PhoneCodeApi(APIView):
    """An SMS sign-in code to a phone (the same answer whether it has an account or not)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

    @extend_schema(request=PhoneCodeIn, responses={202: inline_serializer("PhoneCodeOut", {
        "detail": serializers.CharField()})})
    def post(self, request):
        s = PhoneCodeIn(data=request.data)
        s.is_valid(raise_exception=True)
        phone_code_send(phone=s.validated_data["phone"], ip=client_ip(request._request))
        return Response({"detail": "验证码已发送"}, status=202)


class PhoneLoginIn(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    code = serializers.CharField(max_length=10)
    name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                 help_text="首次登录（注册）时必填")
    node = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                    max_value=2**62, help_text="首次登录时：所在村/社区的 id")


class PhoneLoginApi(APIView):
    """Sign in with the phone and its SMS code; a new number registers a citizen's account."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

    @extend_schema(request=PhoneLoginIn, responses=inline_serializer("PhoneLoginOut", {
        "token": serializers.CharField(), "created": serializers.BooleanField()}))
    def post(self, request):
        s = PhoneLoginIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        user, created = phone_sign_in(phone=d["phone"], code=d["code"], name=d["name"], node_id=d["node"])
        return Response({"token": token_issue(user).key, "created": created})


class LogoutApi(APIView):
    """Retires the caller's API token (and ends the page session, if the call came with one)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        token_revoke(request.user)
        if request.session.session_key:
            from django.contrib.auth import logout

            logout(request._request)
        return Response(status=204)
