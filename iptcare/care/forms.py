from django import forms
from django.core.validators import MaxLengthValidator

from iptcare.accounts.models import Role, User
from iptcare.care.models import Client

MAX_TEXT = 20_000


class ClientForm(forms.ModelForm):
    therapists = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Who may see this client's record and notes.",
    )

    class Meta:
        model = Client
        fields = ["name", "email", "date_of_birth", "state", "presenting_concerns"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "presenting_concerns": forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT}),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        therapists = User.objects.filter(practice=practice, role=Role.THERAPIST, is_active=True)
        self.fields["therapists"].queryset = therapists.order_by("name")  # type: ignore[attr-defined]
        self.fields["presenting_concerns"].validators.append(MaxLengthValidator(MAX_TEXT))


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Progress note",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=True,
    )
