from django import forms

from iptcare.measures import instruments
from iptcare.measures.schedule import Schedule


class AssignForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire", choices=instruments.choices)
    schedule = forms.ChoiceField(label="When", choices=Schedule.choices)


def posted_answers(post) -> dict[str, list[str]]:
    """Every posted field but the form's own, as lists, so repeats are seen."""
    own = {"csrfmiddlewaretoken", "action", "response"}
    return {key: post.getlist(key) for key in post if key not in own}


INTERACTION_SLOTS = 3


class DiaryForm(forms.Form):
    """A day's mood, and up to three interactions with people from the client's list."""

    entry_date = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    mood = forms.TypedChoiceField(
        label="How was your mood today? 0 is the worst you can imagine, 10 the best.",
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(person.code): person for person in people}
        choices = [("", "Nobody")] + [(code, p.label) for code, p in self.people.items()]
        for slot in range(1, INTERACTION_SLOTS + 1):
            self.fields[f"person_{slot}"] = forms.ChoiceField(
                label=f"Interaction {slot}: with whom", choices=choices, required=False
            )
            self.fields[f"kind_{slot}"] = forms.ChoiceField(
                label=f"Interaction {slot}: how was it",
                choices=[("", "—"), ("positive", "Positive"), ("negative", "Negative")],
                required=False,
            )
            self.fields[f"note_{slot}"] = forms.CharField(
                label=f"Interaction {slot}: a short note (optional)",
                max_length=200,
                required=False,
            )

    def clean(self):
        data = super().clean() or {}
        for slot in range(1, INTERACTION_SLOTS + 1):
            if data.get(f"person_{slot}") and not data.get(f"kind_{slot}"):
                self.add_error(f"kind_{slot}", "Say whether it was positive or negative.")
        return data

    def interactions(self) -> list:
        from iptcare.measures.services import InteractionInput

        found = []
        for slot in range(1, INTERACTION_SLOTS + 1):
            code = self.cleaned_data.get(f"person_{slot}")
            if code:
                found.append(
                    InteractionInput(
                        self.people[code],
                        self.cleaned_data[f"kind_{slot}"] == "positive",
                        self.cleaned_data.get(f"note_{slot}", ""),
                    )
                )
        return found
