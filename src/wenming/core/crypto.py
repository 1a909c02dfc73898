"""Protected storage for personal data: encrypted at rest, with a keyed digest for lookups.

The encryption keys are settings.DATA_KEYS: the first encrypts, every one decrypts, so a key is
rotated by putting a new one first and running `wenming rotate_data_key`, which re-encrypts
every protected value; the old key can then be dropped. They are not SECRET_KEY, so changing
that one (or copying the database without the keys) reveals nothing and erases nothing. Data
encrypted before DATA_KEYS existed was keyed from SECRET_KEY; that key is still tried last.

A value no key decrypts is an error (DataKeyError), never an empty string: read as "", it would
be written back as "" by the next save, and the data would be lost without a word.

The digest (phone and ID lookups, API keys, voters) has its own key, settings.DIGEST_KEY, which
a rotation of the data keys leaves alone.
"""

import base64
import hashlib
import hmac
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)


class DataKeyError(RuntimeError):
    """A protected value that none of the configured data keys decrypts."""


def _fernet(secret: str) -> Fernet:
    raw = hashlib.sha256(("wenming-data:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


@lru_cache(maxsize=8)
def _keys(data_keys: tuple[str, ...], legacy: str) -> tuple[MultiFernet, Fernet]:
    current = [_fernet(k) for k in data_keys]
    return MultiFernet([*current, _fernet(legacy)]), current[0]


def _ring() -> tuple[MultiFernet, Fernet]:
    return _keys(tuple(settings.DATA_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _ring()[1].encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _ring()[0].decrypt(token.encode()).decode()
    except InvalidToken:
        logger.error("a protected value does not decrypt with any configured data key")
        raise DataKeyError("受保护的数据无法解密：数据密钥（WENMING_DATA_KEY）与加密时不一致") from None


def reencrypt(token: str) -> str:
    """The same value, encrypted with the current key (for `rotate_data_key`)."""
    if not token:
        return ""
    return encrypt(decrypt(token))


def is_current(token: str) -> bool:
    """Whether the current key alone decrypts `token`."""
    try:
        _ring()[1].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def digest(value: str) -> str:
    """Stable keyed hash, for uniqueness and exact-match search without decrypting."""
    if not value:
        return ""
    return hmac.new(settings.DIGEST_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class KeepsDigests:
    """A model mixin: each encrypted column named in `DIGESTS` ({"phone": "phone_digest"}) keeps
    its keyed hash beside it on every save, so rows are found by value without decrypting."""

    DIGESTS: dict[str, str] = {}

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        also = set()
        for source, target in self.DIGESTS.items():
            setattr(self, target, digest(getattr(self, source) or ""))
            if fields is not None and source in fields:
                also.add(target)
        if also:
            kwargs["update_fields"] = {*fields, *also}
        super().save(*args, **kwargs)


class ProtectedField(models.TextField):
    """A text column stored encrypted; Python sees plain text."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""
