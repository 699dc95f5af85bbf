from django.contrib import admin

from iptcare.directory.models import IptCredential, License, TherapistProfile


class LicenseInline(admin.TabularInline):
    model = License
    extra = 0
    fields = ["state", "number", "status", "verified_by", "verified_at"]
    raw_id_fields = ["verified_by"]


class CredentialInline(admin.TabularInline):
    model = IptCredential
    extra = 0
    fields = ["kind", "detail", "status", "verified_by", "verified_at"]
    raw_id_fields = ["verified_by"]


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
    readonly_fields = [
        "slug",
        "latitude",
        "longitude",
        "specialty_mask",
        "area_mask",
        "population_mask",
        "language_mask",
        "insurance_mask",
        "training_mask",
        "verified_training_mask",
    ]
    inlines = [LicenseInline, CredentialInline]
