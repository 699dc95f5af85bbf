"""Encryption at rest for clinical free text.

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256, from the `cryptography` package).
`settings.FIELD_ENCRYPTION_KEYS` lists the keys, newest first: the first encrypts, every
key decrypts, so a new key can be added in front while old rows stay readable; then
`manage.py reencrypt` rewrites every row under the newest key and the old one can go.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """No configured key opens this value: a key was removed before `reencrypt` ran."""


@cache
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (manage.py generate_encryption_key)"
        ) from None


def multi_fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def primary_fernet() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEYS[0])


def encrypt(text: str) -> str:
    return multi_fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return multi_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError("no configured encryption key opens this value") from None


def is_under_primary_key(token: str) -> bool:
    try:
        primary_fernet().decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same plaintext, encrypted again under the newest key."""
    try:
        return multi_fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise DecryptionError("no configured encryption key opens this value") from None


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. It can't be searched or ordered: only `isnull` works."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return decrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields():
    """(model, field) for every EncryptedTextField of every installed model."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
