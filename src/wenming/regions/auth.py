"""API tokens that expire: after TOKEN_TTL, and as soon as the account's password changes; an
inactive account's token never worked (DRF). Signing in again (POST auth/token/) issues a new
key and retires the old one; POST auth/logout/ retires it."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - settings.TOKEN_TTL:
            raise exceptions.AuthenticationFailed("登录已过期，请重新登录")
        if user.password_changed_at and token.created < user.password_changed_at:
            raise exceptions.AuthenticationFailed("密码已修改，请重新登录")
        return user, token


@transaction.atomic
def token_issue(user) -> Token:
    """A new key for the account; the one it had stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_revoke(user) -> int:
    return Token.objects.filter(user=user).delete()[0]
