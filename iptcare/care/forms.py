from datetime import timedelta

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from iptcare.accounts.models import Role, User
from iptcare.care.models import AgeGroup, Client, PerinatalStatus

MAX_TEXT = 20_000
SHORT_TEXT = 200
# IPT-A is for young people of about 12-18 (protocol 11.2). Outside these ages the age
# group and the date of birth disagree, which is a typing slip more often than a choice.
ADOLESCENT_AGES = range(10, 20)
ADULT_FROM_AGE = 16


class ClientForm(forms.ModelForm):
    therapists = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Who may see this client's record and notes.",
    )

    # Legends and the fields under each, in the order the form shows them.
    FIELDSETS = [
        ("Who they are", ["name", "pronouns", "date_of_birth", "age_group", "state"]),
        ("How to reach them", ["email", "phone", "address"]),
        (
            "Emergency contact",
            ["emergency_contact_name", "emergency_contact_relationship", "emergency_contact_phone"],
        ),
        ("Pregnancy and birth", ["perinatal_status", "due_date", "childbirth_date"]),
        ("Care", ["presenting_concerns", "therapists"]),
    ]

    class Meta:
        model = Client
        fields = [
            "name",
            "pronouns",
            "date_of_birth",
            "age_group",
            "state",
            "email",
            "phone",
            "address",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "perinatal_status",
            "due_date",
            "childbirth_date",
            "presenting_concerns",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "childbirth_date": forms.DateInput(attrs={"type": "date"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "address": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
            "emergency_contact_name": forms.TextInput(attrs={"maxlength": SHORT_TEXT}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel", "maxlength": 40}),
            "age_group": forms.RadioSelect,
            "perinatal_status": forms.RadioSelect,
            "presenting_concerns": forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT}),
        }
        labels = {
            "emergency_contact_name": "Name",
            "emergency_contact_relationship": "Relationship",
        }
        help_texts = {"emergency_contact_phone": "Phone"}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        therapists = User.objects.filter(practice=practice, role=Role.THERAPIST, is_active=True)
        self.fields["therapists"].queryset = therapists.order_by("name")  # type: ignore[attr-defined]
        self.fields["presenting_concerns"].validators.append(MaxLengthValidator(MAX_TEXT))
        self.fields["address"].validators.append(MaxLengthValidator(500))
        self.fields["emergency_contact_name"].validators.append(MaxLengthValidator(SHORT_TEXT))
        self.fields["emergency_contact_phone"].validators.append(MaxLengthValidator(40))
        self.fields["emergency_contact_phone"].label = "Phone"
        self.fields["emergency_contact_phone"].help_text = ""
        # Left out of a post, these keep their defaults (adult, not perinatal).
        self.fields["age_group"].required = False
        self.fields["perinatal_status"].required = False

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["age_group"] = data.get("age_group") or AgeGroup.ADULT
        data["perinatal_status"] = data.get("perinatal_status") or PerinatalStatus.NOT_APPLICABLE
        today = timezone.localdate()
        born = data.get("date_of_birth")
        if born and born > today:
            self.add_error("date_of_birth", "A date of birth can't be in the future.")
        elif born:
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            group = data.get("age_group")
            if group == AgeGroup.ADOLESCENT and age not in ADOLESCENT_AGES:
                self.add_error(
                    "age_group", f"The date of birth makes them {age}: IPT-A is for adolescents."
                )
            if group == AgeGroup.ADULT and age < ADULT_FROM_AGE:
                self.add_error(
                    "age_group", f"The date of birth makes them {age}: choose adolescent (IPT-A)."
                )
        status = data.get("perinatal_status")
        due, birth = data.get("due_date"), data.get("childbirth_date")
        if status == PerinatalStatus.PREGNANT:
            if not due:
                self.add_error("due_date", "Give the due date for a pregnancy.")
            elif due < today - timedelta(days=31):
                self.add_error("due_date", "This due date has passed: is the client postpartum?")
        if status == PerinatalStatus.POSTPARTUM:
            if not birth:
                self.add_error("childbirth_date", "Give the date of the birth.")
            elif birth > today:
                self.add_error("childbirth_date", "The date of the birth can't be in the future.")
        if status != PerinatalStatus.PREGNANT:
            data["due_date"] = None
        if status != PerinatalStatus.POSTPARTUM:
            data["childbirth_date"] = None
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Progress note",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=True,
    )
