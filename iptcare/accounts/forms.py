from django import forms

from iptcare.accounts.models import AuditEvent, CrisisResource, Practice, Role, User


class AuditFilterForm(forms.Form):
    """Filters for the audit log. Every value is checked against a closed set or a type."""

    actor = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Anyone", to_field_name="code"
    )
    verb = forms.ChoiceField(
        choices=[("", "Any action"), *AuditEvent.Verb.choices], required=False, label="Action"
    )
    record = forms.UUIDField(required=False, label="Record or client code")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        actors = User.objects.filter(practice=practice).order_by("email")
        self.fields["actor"].queryset = actors  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


class InviteStaffForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(
        choices=[(Role.THERAPIST, "Therapist"), (Role.PRACTICE_ADMIN, "Practice admin")],
        widget=forms.RadioSelect,
        initial=Role.THERAPIST,
    )


class CrisisResourceForm(forms.ModelForm):
    class Meta:
        model = CrisisResource
        fields = [
            "country",
            "region",
            "service_name",
            "phone",
            "text_number",
            "chat_url",
            "languages",
            "hours",
            "audience",
            "notes",
            "emergency_number",
        ]

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()


class PracticeContactForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["contact_details"]
