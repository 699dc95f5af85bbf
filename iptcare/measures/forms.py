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
