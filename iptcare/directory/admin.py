from django.contrib import admin

from iptcare.directory.models import TherapistProfile


@admin.register(TherapistProfile)
class TherapistProfileAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "license_type",
        "state",
        "accepting_new_clients",
        "is_published",
    ]
    list_filter = ["license_type", "is_published", "accepting_new_clients"]
    search_fields = ["display_name"]
    raw_id_fields = ["user"]
