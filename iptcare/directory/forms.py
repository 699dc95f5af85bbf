from django import forms
from django.core.exceptions import ValidationError

from iptcare.directory.matching import EITHER, IN_PERSON, TELEHEALTH, Wishes
from iptcare.directory.models import IptCredential, License, TherapistProfile
from iptcare.directory.search import DirectoryQuery
from iptcare.directory.services import PROFILE_FIELDS
from iptcare.directory.vocabulary import INSURERS, LANGUAGES, choices
from iptcare.lib.geo import US_STATES, Place, city_place, zip_place

MAX_STORY = 5_000
RADIUS_CHOICES = [
    (5, "5 miles"),
    (10, "10 miles"),
    (25, "25 miles"),
    (50, "50 miles"),
    (100, "100 miles"),
]
FORMAT_CHOICES = [
    (EITHER, "In person or telehealth"),
    (IN_PERSON, "In person"),
    (TELEHEALTH, "Telehealth (video)"),
]
SORT_CHOICES = [("relevance", "Best fit"), ("distance", "Nearest"), ("fee", "Lowest fee")]


def _any(label: str, options) -> list[tuple[str, str]]:
    return [("", label), *options]


def _place(zip_code: str, city: str, state: str) -> Place | None:
    """The place named by a ZIP code or a city and state; ValidationError if unknown."""
    if zip_code:
        place = zip_place(zip_code)
        if place is None:
            raise ValidationError(
                {
                    "zip_code": "We don't know this ZIP code. Check the five "
                    "digits, or search by state instead."
                }
            )
        return place
    if city:
        if not state:
            raise ValidationError({"state": "Choose the state the city is in."})
        place = city_place(city, state)
        if place is None:
            raise ValidationError({"city": "We couldn't find this city in that state."})
        return place
    return None


class DirectorySearchForm(forms.Form):
    """The directory's filters. Every value is checked against a closed list or a range."""

    zip_code = forms.RegexField(
        regex=r"^\d{5}$",
        required=False,
        label="ZIP code",
        error_messages={"invalid": "A ZIP code has five digits."},
    )
    city = forms.CharField(max_length=80, required=False)
    state = forms.ChoiceField(choices=_any("Any state", US_STATES), required=False)
    radius = forms.TypedChoiceField(
        choices=RADIUS_CHOICES, coerce=int, required=False, empty_value=None, label="Distance"
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False, label="Sessions")
    specialty = forms.ChoiceField(choices=_any("Any", choices("specialties")), required=False)
    area = forms.ChoiceField(
        choices=_any("Any", choices("ipt_areas")), required=False, label="IPT problem area"
    )
    certified = forms.BooleanField(required=False, label="Verified IPT certification only")
    insurance = forms.ChoiceField(choices=_any("Any", INSURERS.items()), required=False)
    language = forms.ChoiceField(choices=_any("Any", LANGUAGES.items()), required=False)
    max_fee = forms.IntegerField(
        min_value=0, max_value=1000, required=False, label="Maximum fee per session ($)"
    )
    all = forms.BooleanField(required=False, label="Include therapists not taking new clients")
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        data["place"] = _place(
            data.get("zip_code", ""), data.get("city", ""), data.get("state", "")
        )
        return data

    def query(self) -> DirectoryQuery:
        data = self.cleaned_data
        return DirectoryQuery(
            place=data["place"],
            radius_miles=data["radius"] or 25,
            state=data["state"],
            format=data["format"] or EITHER,
            specialty=data["specialty"],
            area=data["area"],
            verified_certification=data["certified"],
            insurance=data["insurance"],
            language=data["language"],
            max_fee=data["max_fee"],
            accepting_only=not data["all"],
            sort=data["sort"] or "relevance",
        )


class MatchForm(forms.Form):
    """The 'get matched' intake. Only `state` is required; the story is optional."""

    state = forms.ChoiceField(
        choices=_any("Choose your state", US_STATES), label="State you live in"
    )
    zip_code = forms.RegexField(
        regex=r"^\d{5}$",
        required=False,
        label="ZIP code",
        help_text="Needed for in-person sessions.",
        error_messages={"invalid": "A ZIP code has five digits."},
    )
    format = forms.ChoiceField(
        choices=FORMAT_CHOICES,
        initial=EITHER,
        widget=forms.RadioSelect,
        label="How would you like to meet?",
    )
    radius = forms.TypedChoiceField(
        choices=RADIUS_CHOICES, coerce=int, initial=25, label="How far could you travel?"
    )
    language = forms.ChoiceField(
        choices=_any("Any language", LANGUAGES.items()),
        required=False,
        label="Language for sessions",
    )
    insurance = forms.ChoiceField(
        choices=_any("I'll pay myself / not sure", INSURERS.items()), required=False
    )
    max_fee = forms.IntegerField(
        min_value=0, max_value=1000, required=False, label="Most you could pay per session ($)"
    )
    preferences = forms.MultipleChoiceField(
        choices=choices("specialties"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Anything you'd like your therapist to know about (optional)",
    )
    story = forms.CharField(
        required=False,
        max_length=MAX_STORY,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="In your own words, what is going on?",
        help_text="A few sentences are enough. We use them only to suggest therapists; "
        "they are not saved.",
        error_messages={
            "max_length": "Please keep it under 5,000 characters: a few sentences are enough."
        },
    )

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        place = _place(data.get("zip_code", ""), "", "")
        if data.get("format") == IN_PERSON and place is None:
            raise ValidationError({"zip_code": "Give your ZIP code to find someone nearby."})
        data["place"] = place
        return data

    def wishes(self) -> Wishes:
        data = self.cleaned_data
        return Wishes(
            state=data["state"],
            format=data["format"] or EITHER,
            radius_miles=data["radius"] or 25,
            language=data["language"],
            insurance=data["insurance"],
            max_fee=data["max_fee"],
            preferences=tuple(data["preferences"]),
        )


class ProfileForm(forms.ModelForm):
    specialties = forms.MultipleChoiceField(
        choices=choices("specialties"), widget=forms.CheckboxSelectMultiple, required=False
    )
    ipt_areas = forms.MultipleChoiceField(
        choices=choices("ipt_areas"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="IPT problem areas you work with",
    )
    populations = forms.MultipleChoiceField(
        choices=choices("populations"), widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.MultipleChoiceField(
        choices=list(LANGUAGES.items()), widget=forms.CheckboxSelectMultiple, required=False
    )
    insurance = forms.MultipleChoiceField(
        choices=list(INSURERS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Insurance accepted",
    )

    class Meta:
        model = TherapistProfile
        fields = PROFILE_FIELDS
        widgets = {"approach": forms.Textarea(attrs={"rows": 6, "maxlength": 3000})}

    def clean_approach(self):
        approach = self.cleaned_data["approach"]
        if len(approach) > 3000:
            raise ValidationError("Please keep your approach under 3,000 characters.")
        return approach

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"].strip()
        if zip_code and zip_place(zip_code) is None:
            raise ValidationError("We don't know this ZIP code.")
        return zip_code

    def clean(self):
        data = super().clean() or {}
        if data.get("offers_in_person") and not data.get("zip_code"):
            self.add_error("zip_code", "In-person sessions need the office ZIP code.")
        if not data.get("offers_in_person") and not data.get("offers_telehealth"):
            raise ValidationError("Offer in-person sessions, telehealth, or both.")
        return data


class LicenseForm(forms.ModelForm):
    class Meta:
        model = License
        fields = ["state", "number"]


class CredentialForm(forms.ModelForm):
    class Meta:
        model = IptCredential
        fields = ["kind", "detail"]


LicenseFormSet = forms.inlineformset_factory(
    TherapistProfile, License, form=LicenseForm, extra=1, max_num=60, can_delete=True
)
CredentialFormSet = forms.inlineformset_factory(
    TherapistProfile, IptCredential, form=CredentialForm, extra=1, max_num=8, can_delete=True
)


class PhotoForm(forms.Form):
    photo = forms.FileField(help_text="A JPEG, PNG or WebP photo of up to 5 MB.")
