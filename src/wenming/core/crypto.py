"""Protected storage for personal data: encrypted at rest, with a keyed digest for lookups.

The key derives from SECRET_KEY unless WENMING_DATA_KEY is set, so a copied database
alone does not reveal phone or ID numbers.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    raw = hashlib.sha256(("wenming-data:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def _secret() -> str:
    return os.environ.get("WENMING_DATA_KEY") or settings.SECRET_KEY


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(_secret()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(_secret()).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def digest(value: str) -> str:
    """Stable keyed hash, for uniqueness and exact-match search without decrypting."""
    if not value:
        return ""
    return hmac.new(_secret().encode(), value.encode(), hashlib.sha256).hexdigest()


class ProtectedField(models.TextField):
    """A text column stored encrypted; Python sees plain text."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""
