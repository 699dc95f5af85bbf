import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.forms import inlineformset_factory

from iptcare.booking import slots
from iptcare.booking.emails import when
from iptcare.booking.models import AvailabilityException, ConsultationSettings, WeeklyWindow
from iptcare.booking.zones import is_time_zone, zone_choices
from iptcare.directory.models import TherapistProfile
from iptcare.lib.geo import US_STATES

MAX_MESSAGE = 1000
# Markup has no place in a name or a short message: refuse it rather than store it.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]")
PHONE = re.compile(r"^[0-9+().\- ]{7,25}$")


def zone_field(widget: forms.Widget | None = None) -> forms.CharField:
    """A time zone by IANA name; the page's script picks the browser's zone (static/js)."""
    return forms.CharField(
        label="Show times in",
        max_length=64,
        widget=widget or forms.Select(choices=zone_choices(), attrs={"data-detect-time-zone": ""}),
    )


def clean_zone(value: str) -> str:
    if not is_time_zone(value):
        raise forms.ValidationError(
            "We don't know that time zone. Please choose one from the list."
        )
    return value


def parse_slot(value: str, zone_name: str) -> datetime:
    """An ISO time with its offset (what the form sends), or a wall time in the zone."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise forms.ValidationError("Please choose one of the times shown.") from None
    if moment.tzinfo is None:
        zone = ZoneInfo(zone_name)
        if not slots.exists_locally(moment, zone):
            raise forms.ValidationError(
                f"{moment:%I:%M %p} on {moment:%B} {moment.day} doesn't exist in "
                f"{zone_name.replace('_', ' ')}: the clocks jump forward an hour that night. "
                "Please choose one of the times shown."
            )
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


class ZoneForm(forms.Form):
    """The slots page's own small form: which zone to show the times in."""

    tz = zone_field()

    def clean_tz(self) -> str:
        return clean_zone(self.cleaned_data["tz"])


class BookingForm(forms.Form):
    slot = forms.CharField(max_length=40, error_messages={"required": "Please choose a time."})
    tz = zone_field(widget=forms.HiddenInput())
    name = forms.CharField(label="Your name", max_length=100)
    email = forms.EmailField(label="Email", max_length=254)
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=25,
        required=False,
        help_text="Only if you would like the therapist to be able to call you.",
    )
    state = forms.ChoiceField(
        label="State you live in", choices=[("", "Choose a state"), *US_STATES]
    )
    message = forms.CharField(
        label="Anything you'd like the therapist to know (optional)",
        max_length=MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_MESSAGE}),
        help_text="A sentence or two is plenty. Please don't include anything you'd rather "
        "say on the call.",
    )
    consent = forms.BooleanField(
        label="I agree to be contacted by this therapist about a free consultation call.",
        error_messages={"required": "Please agree to be contacted, so the therapist can reply."},
    )
    # The honeypot: hidden from people by CSS, filled in by form-filling bots.
    website = forms.CharField(required=False, label="Leave this empty")

    def clean_tz(self) -> str:
        return clean_zone(self.cleaned_data["tz"])

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if MARKUP.search(name):
            raise forms.ValidationError("Please write your name without < and > signs.")
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("Please give a phone number with digits only.")
        return phone

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if MARKUP.search(message):
            raise forms.ValidationError("Please write your message without HTML tags.")
        return message

    def clean(self):
        data = super().clean() or {}
        if "tz" in data and "slot" in data:
            try:
                data["starts_at"] = parse_slot(data["slot"], data["tz"])
            except forms.ValidationError as error:
                self.add_error("slot", error)
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class SlotChoiceForm(forms.Form):
    """One of the given free slots (the person's reschedule, the therapist's proposal)."""

    slot = forms.CharField(
        label="New time", max_length=40, error_messages={"required": "Please choose a time."}
    )

    def __init__(self, *args, free: list[slots.Slot], zone_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.free = free
        self.zone_name = zone_name
        self.fields["slot"].widget = forms.Select(
            choices=[("", "Choose a time")]
            + [(s.starts_at.isoformat(), when(s.starts_at, zone_name)) for s in free]
        )

    def clean_slot(self) -> datetime:
        moment = parse_slot(self.cleaned_data["slot"], self.zone_name)
        if slots.is_offered(self.free, moment) is None:
            raise forms.ValidationError("That time is no longer free. Please choose another.")
        return moment

    def starts_at(self) -> datetime:
        return self.cleaned_data["slot"]


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="A note for the person (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text="Sent in the email that tells them. For example, who else might help.",
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ConsultationSettings
        fields = [
            "time_zone",
            "call_minutes",
            "buffer_minutes",
            "max_calls_per_day",
            "min_notice_hours",
            "horizon_days",
        ]
        widgets = {"time_zone": forms.Select(choices=zone_choices())}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


WindowFormSet = inlineformset_factory(
    TherapistProfile,
    WeeklyWindow,
    fields=["weekday", "start_time", "end_time"],
    widgets={"start_time": TimeInput(), "end_time": TimeInput()},
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
)

ExceptionFormSet = inlineformset_factory(
    TherapistProfile,
    AvailabilityException,
    fields=["kind", "on_date", "start_time", "end_time"],
    widgets={
        "on_date": forms.DateInput(attrs={"type": "date"}),
        "start_time": TimeInput(),
        "end_time": TimeInput(),
    },
    extra=2,
    can_delete=True,
    max_num=100,
    validate_max=True,
)
