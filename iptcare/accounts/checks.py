from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def production_settings_check(app_configs, **kwargs):
    errors = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        errors.append(
            checks.Error(
                "Production runs on PostgreSQL: set DATABASE_URL=postgres://...",
                id="iptcare.E001",
            )
        )
    if settings._DEV_ENCRYPTION_KEY in settings.FIELD_ENCRYPTION_KEYS:
        errors.append(
            checks.Error(
                "FIELD_ENCRYPTION_KEYS holds the public development key",
                hint="manage.py generate_encryption_key",
                id="iptcare.E002",
            )
        )
    if settings.SECRET_KEY == settings._DEV_SECRET_KEY:
        errors.append(checks.Error("SECRET_KEY is the public development key", id="iptcare.E003"))
    return errors
