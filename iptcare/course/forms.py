"""Forms of the course workspace. They check what a form can check (types, lengths,
choices from this course only); the protocol's rules live in the services, which refuse
with a message the views show on the form."""

from typing import cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from iptcare.care.forms import MAX_TEXT
from iptcare.care.models import Client
from iptcare.course import checklists, protocol
from iptcare.course.checklists import Technique
from iptcare.course.models import (
    AlertOutcome,
    AlertTier,
    Attendance,
    CircleSnapshot,
    Course,
    DisputeStage,
    FocusArea,
    FollowUpAction,
    GoalStatus,
    InventoryPerson,
    NextStep,
    Ring,
    Session,
    TerminationSummary,
    TimelineEvent,
)
from iptcare.course.protocol import Adaptation, EndReason, Kind, Phase, Status
from iptcare.course.services import PERSON_FIELDS

SHORT = forms.TextInput(attrs={"maxlength": 200})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": MAX_TEXT})


def limit_text(form: forms.BaseForm, *names: str, limit: int = MAX_TEXT) -> None:
    for name in names:
        form.fields[name].validators.append(MaxLengthValidator(limit))


def not_in_future(form: forms.BaseForm, *names: str) -> None:
    today = timezone.localdate()
    for name in names:
        value = form.cleaned_data.get(name)
        if value and value > today:
            form.add_error(name, "This date can't be in the future.")


def default_adaptation(client: Client) -> str:
    if client.is_adolescent:
        return Adaptation.ADOLESCENT
    if client.is_perinatal_on(timezone.localdate()):
        return Adaptation.PERINATAL
    return Adaptation.ADULT


class CourseForm(forms.ModelForm):
    """The plan of a new course. Left blank, the number of sessions, frequency and length
    take the protocol's defaults for the kind of course."""

    class Meta:
        model = Course
        fields = [
            "kind",
            "adaptation",
            "planned_sessions",
            "sessions_reason",
            "frequency",
            "session_minutes",
            "start_date",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "adaptation": forms.RadioSelect,
            "start_date": DATE,
            "sessions_reason": forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        }
        help_texts = {
            "planned_sessions": "Leave blank for the default: IPT 16 (IPT-A and perinatal 12), "
            "IPC 4, maintenance 12.",
            "frequency": "Leave as is for the default: weekly, or monthly for maintenance.",
            "session_minutes": "Leave blank for the default: 50 minutes, or 30 for IPC.",
        }

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_sessions"].required = False
        self.fields["frequency"].required = False
        self.fields["session_minutes"].required = False
        cast(forms.ChoiceField, self.fields["frequency"]).choices = [
            ("", "Default for the kind"),
            *protocol.Frequency.choices,
        ]
        self.fields["planned_sessions"].widget.attrs.update(min=1, max=protocol.MAX_SESSIONS)
        self.fields["session_minutes"].widget.attrs.update(min=15, max=180)
        if not self.instance.pk:
            self.initial["session_minutes"] = None
            self.initial.setdefault("adaptation", default_adaptation(client))
            self.initial.setdefault("start_date", timezone.localdate())
            self.initial.setdefault("kind", Kind.IPT)
        limit_text(self, "sessions_reason", limit=2000)

    def clean_session_minutes(self):
        minutes = self.cleaned_data.get("session_minutes")
        if minutes is not None and not 15 <= minutes <= 180:
            raise forms.ValidationError("A session lasts 15 to 180 minutes.")
        return minutes

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind in Kind.values:
            rules = protocol.RULES[Kind(kind)]
            if not data.get("planned_sessions"):
                data["planned_sessions"] = protocol.default_sessions(
                    kind, data.get("adaptation") or Adaptation.ADULT
                )
            data["frequency"] = data.get("frequency") or rules.frequency
            data["session_minutes"] = data.get("session_minutes") or rules.session_minutes
            problem = protocol.sessions_problem(
                kind, data["planned_sessions"], data.get("sessions_reason", "")
            )
            if problem:
                self.add_error("planned_sessions", problem)
        return data


class InitialRecordsForm(forms.ModelForm):
    """The initial phase's records (protocol section 3)."""

    class Meta:
        model = Course
        fields = [
            "diagnosis_system",
            "diagnosis_code",
            "diagnosis_label",
            "psychoeducation_date",
            "sick_role_date",
            "medication_decision",
        ]
        widgets = {
            "diagnosis_code": forms.TextInput(attrs={"maxlength": 20}),
            "diagnosis_label": SHORT,
            "psychoeducation_date": DATE,
            "sick_role_date": DATE,
        }
        labels = {
            "diagnosis_system": "Diagnostic system",
            "diagnosis_code": "Code",
            "psychoeducation_date": "Psychoeducation given on",
        }
        help_texts = {
            "diagnosis_label": "Entered by the clinician. The software never suggests one.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self, "diagnosis_code", limit=20)
        limit_text(self, "diagnosis_label", limit=200)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        not_in_future(self, "psychoeducation_date", "sick_role_date")
        if (data.get("diagnosis_code") or data.get("diagnosis_label")) and not data.get(
            "diagnosis_system"
        ):
            self.add_error("diagnosis_system", "Say which system the code comes from.")
        return data


class MoveForm(forms.Form):
    to = forms.ChoiceField(label="Move the course to", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        max_length=2000,
        help_text="Needed to go back a phase, to pause, to refer, or to move on past a reminder.",
    )
    end_reason = forms.ChoiceField(
        label="Why it ended early",
        required=False,
        choices=[("", "—"), *EndReason.choices],
    )
    referred_to = forms.CharField(label="Referred to", required=False, max_length=200, widget=SHORT)
    follow_up_by = forms.CharField(
        label="Who follows up the open safety alert",
        required=False,
        max_length=200,
        widget=SHORT,
    )
    confirmed = forms.BooleanField(
        label="I have seen the reminders and move on anyway", required=False
    )

    def __init__(self, *args, current: str, moves: list[Status], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = [
            (to.value, protocol.verb(current, to)) for to in moves
        ]

    def move(self) -> protocol.Move:
        data = self.cleaned_data
        return protocol.Move(
            to=data["to"],
            reason=data.get("reason", ""),
            end_reason=data.get("end_reason", ""),
            referred_to=data.get("referred_to", ""),
            follow_up_by=data.get("follow_up_by", ""),
            confirmed=data.get("confirmed", False),
        )


class FormulationForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["formulation", "formulation_accepted_date"]
        widgets = {"formulation": textarea(6), "formulation_accepted_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self, "formulation")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        not_in_future(self, "formulation_accepted_date")
        return data


class FocusAreaForm(forms.ModelForm):
    class Meta:
        model = FocusArea
        fields = [
            "area",
            "is_primary",
            "goals",
            "details",
            "dispute_stage",
            "status",
            "status_note",
        ]
        widgets = {
            "area": forms.RadioSelect,
            "goals": textarea(4),
            "details": textarea(4),
            "status_note": textarea(3),
        }
        labels = {
            "is_primary": "The primary focus",
            "details": "About this area",
            "dispute_stage": "Stage of the dispute (role disputes only)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["area"]
        else:
            cast(forms.ChoiceField, self.fields["area"]).choices = checklists.Area.choices
        if self.instance.pk:
            self.fields["details"].help_text = self.instance.area and _area_help(self.instance.area)
        else:
            del self.fields["status"]
            del self.fields["status_note"]
            self.fields["details"].help_text = (
                "Grief: who died, when, the circumstances. Dispute: the issues, each side's "
                "expectations, the plan. Transition: old and new role, losses, gains, skills. "
                "Deficits: contacts, patterns, target steps."
            )
        limit_text(self, "goals", "details")
        if "status_note" in self.fields:
            limit_text(self, "status_note")


def _area_help(area: str) -> str:
    from iptcare.course.models import AREA_DETAILS

    return AREA_DETAILS[checklists.Area(area)]


CONTRACT_DEFAULTS = {
    "missed_sessions": "A missed session still counts towards the sessions agreed. If you "
    "can't come, tell the practice as early as you can and we will look for another time "
    "in the same week. If two sessions in a row are missed, your therapist will contact you "
    "to talk about how to go on.",
    "contact": "Between sessions, contact the practice by phone or through the portal during "
    "office hours. This is not an emergency service: in a crisis call or text 988 (Suicide & "
    "Crisis Lifeline) or call 911.",
    "client_part": "Come to the sessions, rate your mood each week, talk about what is "
    "happening with the people in your life, and try out new ways of handling them between "
    "sessions.",
    "measures": "A short mood rating every session, and the PHQ-9 and GAD-7 questionnaires at "
    "the start, during treatment and at the end.",
}


class ContractForm(forms.Form):
    sessions = forms.IntegerField(
        label="Number of sessions", min_value=1, max_value=protocol.MAX_SESSIONS
    )
    frequency = forms.ChoiceField(choices=protocol.Frequency.choices)
    session_minutes = forms.IntegerField(
        label="Session length (minutes)", min_value=15, max_value=180
    )
    start_date = forms.DateField(widget=DATE)
    focus = forms.CharField(
        label="Focal areas and goals",
        widget=textarea(5),
        max_length=MAX_TEXT,
        help_text="As agreed with the client; filled in from the formulation.",
    )
    missed_sessions = forms.CharField(
        label="If a session is missed", widget=textarea(3), max_length=MAX_TEXT
    )
    contact = forms.CharField(
        label="Between sessions and in a crisis", widget=textarea(3), max_length=MAX_TEXT
    )
    client_part = forms.CharField(
        label="What the client agrees to do", widget=textarea(3), max_length=MAX_TEXT
    )
    measures = forms.CharField(
        label="Questionnaires", widget=textarea(2), max_length=MAX_TEXT, required=False
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=textarea(2),
        max_length=2000,
        required=False,
        help_text="Needed for a renegotiation, and for a number of sessions outside the usual "
        "range.",
    )
    agreed_on = forms.DateField(label="Agreed on", widget=DATE)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        not_in_future(self, "agreed_on")
        return data


class PersonForm(forms.ModelForm):
    class Meta:
        model = InventoryPerson
        fields = PERSON_FIELDS
        widgets = {
            "label": forms.TextInput(attrs={"maxlength": 100}),
            "ring": forms.RadioSelect,
            "died_on": DATE,
            "good": textarea(3),
            "hard": textarea(3),
            "expectations": textarea(3),
            "their_expectations": textarea(3),
            "cannot_discuss": textarea(2),
            "conflict": textarea(3),
            "would_change": textarea(3),
            "changes_since_onset": textarea(3),
        }
        labels = {"label": "Name or label", "focus_area": "Linked problem area"}

    FIELDSETS = [
        ("Who they are", ["label", "relationship", "relationship_detail", "ring"]),
        ("Alive or deceased", ["is_deceased", "died_on"]),
        ("Contact", ["contact_frequency", "contact_mode"]),
        ("The relationship", ["good", "hard", "would_change", "changes_since_onset"]),
        ("Expectations", ["expectations", "expectations_met", "their_expectations"]),
        ("Confiding and conflict", ["can_confide", "cannot_discuss", "conflict_level", "conflict"]),
        ("Depression and focus", ["knows_about_depression", "focus_area"]),
    ]

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        areas = self.fields["focus_area"]
        areas.queryset = course.focus_areas.all()  # type: ignore[attr-defined]
        areas.to_field_name = "code"  # type: ignore[attr-defined]
        areas.empty_label = "None"  # type: ignore[attr-defined]
        limit_text(self, "label", limit=100)
        limit_text(
            self,
            "good",
            "hard",
            "expectations",
            "their_expectations",
            "cannot_discuss",
            "conflict",
            "would_change",
            "changes_since_onset",
        )

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        not_in_future(self, "died_on")
        if data.get("died_on") and not data.get("is_deceased"):
            self.add_error("died_on", "A date of death is only for someone who has died.")
        return data


class RingForm(forms.Form):
    ring = forms.TypedChoiceField(
        label="Circle", choices=Ring.choices, coerce=int, widget=forms.Select
    )


class SnapshotForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Snapshot for", choices=CircleSnapshot.Purpose.choices, widget=forms.Select
    )


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class TimelineEventForm(forms.ModelForm):
    people = PeopleField(
        queryset=InventoryPerson.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="People involved",
    )

    class Meta:
        model = TimelineEvent
        fields = [
            "happened_on",
            "precision",
            "description",
            "category",
            "mood",
            "people",
            "marks_onset",
        ]
        widgets = {"happened_on": DATE, "description": textarea(3)}

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = course.people.all()  # type: ignore[attr-defined]
        self.fields["mood"].widget.attrs.update(min=0, max=10)
        self.fields["mood"].validators = []  # clean_mood says it in words
        limit_text(self, "description", limit=2000)

    def clean_mood(self):
        mood = self.cleaned_data.get("mood")
        if mood is not None and not 0 <= mood <= 10:
            raise forms.ValidationError("Mood is rated from 0 to 10.")
        return mood

    def clean(self):
        super().clean()
        data = self.cleaned_data
        not_in_future(self, "happened_on")
        return data


class FocusAreaChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_area_display()


class SessionForm(forms.ModelForm):
    """A session. The task checklist offered is the one of the session's phase; the form
    is rebuilt for another phase when the clinician overrides it."""

    focus_areas = FocusAreaChoice(
        queryset=FocusArea.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Focal areas worked on",
    )
    phase = forms.ChoiceField(required=False, label="Phase")
    tasks = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    techniques = forms.MultipleChoiceField(
        required=False,
        choices=Technique.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Techniques used",
    )
    goal_text = forms.CharField(
        label="Between-session goal (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        help_text="Something the client might try before next time, in their words. IPT "
        "sets no formal homework: this is never graded.",
    )
    dispute_stage = forms.ChoiceField(
        label="Stage of the role dispute now",
        required=False,
        choices=[("", "Unchanged"), *DisputeStage.choices],
    )
    next_appointment_at = forms.DateTimeField(
        label="Next appointment",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Session
        fields = [
            "held_on",
            "attendance",
            "mode",
            "client_location",
            "mood",
            "mood_words",
            "events",
            "progress_note",
        ]
        widgets = {
            "held_on": DATE,
            "attendance": forms.RadioSelect,
            "mode": forms.RadioSelect,
            "mood_words": forms.TextInput(attrs={"maxlength": 200}),
            "events": textarea(5),
            "progress_note": textarea(8),
        }

    def __init__(self, *args, course: Course, phase: str, number: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        from iptcare.course.sessions import allowed_phases, checklist_for

        self.course = course
        self.checklist_phase = phase
        self.fields["focus_areas"].queryset = course.focus_areas.all()  # type: ignore[attr-defined]
        default = course.phase_of(number) if number else None
        planned = f"As planned: {Phase(default).label.lower()}" if default else "As planned"
        cast(forms.ChoiceField, self.fields["phase"]).choices = [
            ("", planned),
            *[(p, Phase(p).label) for p in allowed_phases(course.kind)],
        ]
        self.checklists = checklist_for(course, phase) if phase else []
        cast(forms.ChoiceField, self.fields["tasks"]).choices = [
            (task.key, task.text) for group in self.checklists for task in group.tasks
        ]
        self.fields["mood"].widget.attrs.update(min=0, max=10)
        self.fields["mood"].validators = []  # clean_mood says it in words
        if not course.focus_areas.filter(area=checklists.Area.ROLE_DISPUTE).exists():
            del self.fields["dispute_stage"]
        limit_text(self, "events", "progress_note")
        limit_text(self, "mood_words", limit=200)

    def task_groups(self):
        """The tasks checklist as (heading, [bound checkbox]) per phase and focal area."""
        boxes = {box.data["value"]: box for box in self["tasks"]}
        return [
            (group.heading, [boxes[task.key] for task in group.tasks if task.key in boxes])
            for group in self.checklists
        ]

    def clean_mood(self):
        mood = self.cleaned_data.get("mood")
        if mood is not None and not 0 <= mood <= 10:
            raise forms.ValidationError("Mood is rated from 0 to 10.")
        return mood

    def clean(self):
        super().clean()
        data = self.cleaned_data
        not_in_future(self, "held_on")
        if data.get("attendance") != Attendance.ATTENDED:
            for name in ("mood", "tasks", "techniques", "focus_areas"):
                if data.get(name):
                    self.add_error(name, "A missed session has none of these.")
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["focus_areas"] = list(data.get("focus_areas") or [])
        for name in ("goal_text", "dispute_stage", "version"):
            data.pop(name, None)
        return data


class GoalReviewForm(forms.Form):
    """How one earlier between-session goal went: tried or not, in words. No grade."""

    status = forms.ChoiceField(label="Tried?", choices=GoalStatus.choices, widget=forms.RadioSelect)
    review = forms.CharField(
        label="How it went",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )


class PsychotherapyNoteForm(forms.Form):
    body = forms.CharField(
        label="Psychotherapy note",
        max_length=MAX_TEXT,
        widget=textarea(10),
        help_text="Only you will ever see this note. It is kept apart from the progress note "
        "and left out of exports unless you ask for it.",
    )


class TerminationSummaryForm(forms.ModelForm):
    class Meta:
        model = TerminationSummary
        fields = [
            "gains",
            "remaining",
            "warning_signs",
            "triggers",
            "what_helps",
            "supports",
            "plan",
            "next_step",
            "next_step_note",
        ]
        widgets = {
            name: textarea(4)
            for name in [
                "gains",
                "remaining",
                "warning_signs",
                "triggers",
                "what_helps",
                "supports",
                "plan",
                "next_step_note",
            ]
        } | {"next_step": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["next_step"]).choices = NextStep.choices
        limit_text(
            self,
            "gains",
            "remaining",
            "warning_signs",
            "triggers",
            "what_helps",
            "supports",
            "plan",
            "next_step_note",
        )


class ExportForm(forms.Form):
    include_psychotherapy_notes = forms.BooleanField(
        label="Include my own psychotherapy notes", required=False
    )


class RaiseAlertForm(forms.Form):
    tier = forms.ChoiceField(choices=AlertTier.choices, widget=forms.RadioSelect)
    detail = forms.CharField(
        label="What raised the concern",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class FollowUpForm(forms.Form):
    action = forms.ChoiceField(
        label="What was done",
        choices=[c for c in FollowUpAction.choices if c[0] != FollowUpAction.REOPENED],
    )
    text = forms.CharField(
        label="Details",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text="When, how, and what was agreed.",
    )


class CloseAlertForm(forms.Form):
    outcome = forms.ChoiceField(choices=AlertOutcome.choices)
    note = forms.CharField(
        label="Outcome note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class ReopenAlertForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )
