"""Loading questionnaire records. Therapists come through the course's loaders
(course/access.py, built on care's); the client reaches only their own, from the record
`care.access.own_client_record` gave the portal. Anything else is a 404, and every load
writes an audit row."""

from uuid import UUID

from django.http import Http404

from iptcare.accounts import audit
from iptcare.accounts.access import AuthedRequest
from iptcare.care.models import Client
from iptcare.course.models import BetweenSessionGoal
from iptcare.measures.models import Assignment, Response


def own_assignment(request: AuthedRequest, client: Client, code: UUID) -> Assignment:
    assignment = (
        Assignment.objects.select_related("course", "course__client")
        .filter(code=code, course__client=client)
        .first()
    )
    if assignment is None:
        raise Http404("No such questionnaire")
    audit.record(request, audit.Verb.VIEW, "measures.assignment.viewed", assignment)
    return assignment


def own_response(request: AuthedRequest, client: Client, code: UUID) -> Response:
    response = (
        Response.objects.select_related("course", "course__client", "assignment")
        .filter(code=code, course__client=client)
        .first()
    )
    if response is None:
        raise Http404("No such questionnaire")
    audit.record(request, audit.Verb.VIEW, "measures.response.viewed", response)
    return response


def own_goal(request: AuthedRequest, client: Client, code: UUID) -> BetweenSessionGoal:
    goal = (
        BetweenSessionGoal.objects.select_related("course", "course__client")
        .filter(code=code, course__client=client)
        .first()
    )
    if goal is None:
        raise Http404("No such goal")
    audit.record(request, audit.Verb.VIEW, "measures.goal.viewed", goal)
    return goal
