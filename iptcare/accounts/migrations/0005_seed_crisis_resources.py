"""Seed every existing practice's crisis resource table (protocol 13.5). New practices get
the same entries from iptcare/accounts/signals.py; this copy of the seed stays as it was."""

from django.db import migrations

SEED = [
    {
        "country": "US",
        "service_name": "988 Suicide & Crisis Lifeline",
        "phone": "988",
        "text_number": "988",
        "chat_url": "https://988lifeline.org/chat",
        "languages": "English, Spanish",
        "hours": "24 hours a day, 7 days a week",
        "audience": "all",
        "notes": "Veterans can press 1.",
        "emergency_number": "911",
    },
    {
        "country": "GB",
        "service_name": "Samaritans",
        "phone": "116 123",
        "languages": "English",
        "hours": "24 hours a day, free",
        "audience": "all",
        "emergency_number": "999",
    },
    {
        "country": "IE",
        "service_name": "Samaritans",
        "phone": "116 123",
        "languages": "English",
        "hours": "24 hours a day, free",
        "audience": "all",
        "emergency_number": "112",
    },
]


def seed(apps, schema_editor):
    Practice = apps.get_model("accounts", "Practice")
    CrisisResource = apps.get_model("accounts", "CrisisResource")
    for practice in Practice.objects.all():
        for entry in SEED:
            exists = CrisisResource.objects.filter(
                practice=practice, country=entry["country"], service_name=entry["service_name"]
            ).exists()
            if not exists:
                CrisisResource.objects.create(practice=practice, **entry)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_crisis_resources")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
