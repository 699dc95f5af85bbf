"""The protocol's task lists, as data: what the clinician does in each phase (protocol
sections 3, 7, 10 and 11.6), for each problem area (section 6), and the techniques
(section 8). A session screen shows them as a checklist, not a locked wizard: order can
vary and nothing is required.

Keys are stored on sessions, so never rename one; retire it and add another.
"""

from dataclasses import dataclass

from django.db import models

from iptcare.course.protocol import Adaptation, Phase


class Area(models.TextChoices):
    GRIEF = "grief", "Grief"
    ROLE_DISPUTE = "role_dispute", "Role dispute"
    ROLE_TRANSITION = "role_transition", "Role transition"
    INTERPERSONAL_DEFICITS = "interpersonal_deficits", "Interpersonal deficits"


class Technique(models.TextChoices):
    EXPLORATION = "exploration", "Exploration"
    AFFECT = "affect", "Encouragement of affect"
    CLARIFICATION = "clarification", "Clarification"
    COMMUNICATION_ANALYSIS = "communication_analysis", "Communication analysis"
    DECISION_ANALYSIS = "decision_analysis", "Decision analysis"
    ROLE_PLAY = "role_play", "Role play"
    THERAPEUTIC_RELATIONSHIP = "therapeutic_relationship", "Use of the therapeutic relationship"
    DIRECTIVE = "directive", "Directive / psychoeducation"


@dataclass(frozen=True)
class Task:
    key: str
    text: str


@dataclass(frozen=True)
class Checklist:
    heading: str
    tasks: tuple[Task, ...]


def _tasks(prefix: str, *pairs: tuple[str, str]) -> tuple[Task, ...]:
    return tuple(Task(f"{prefix}.{key}", text) for key, text in pairs)


INITIAL = _tasks(
    "initial",
    (
        "diagnosis",
        "Diagnosis and severity: working diagnosis recorded, baseline questionnaires done",
    ),
    (
        "psychoeducation",
        "Psychoeducation: depression explained as a common, treatable illness; the client's "
        "own symptoms gone through; what to expect from treatment",
    ),
    (
        "sick_role",
        "Sick role given: the client may not manage everything they usually do; this is the "
        "illness, not a failing; their job now is to take part in treatment",
    ),
    (
        "medication",
        "Medication and other needs considered: medication evaluation or another level of care",
    ),
    ("inventory", "Interpersonal inventory of the important people, with the closeness circle"),
    (
        "timeline",
        "Interpersonal timeline: when this episode began and what was happening in the "
        "client's relationships then and at earlier episodes",
    ),
    ("focus", "Focal problem area chosen with the client (usually one, at most two)"),
    ("formulation", "Interpersonal formulation given in plain words and agreed with the client"),
    (
        "contract",
        "Treatment contract agreed: sessions, frequency, focus, missed sessions, contact "
        "between sessions and in a crisis, the client's part",
    ),
)

# IPT-A: a *limited* sick role, and parents or carers at the start (protocol 11.2).
INITIAL_ADOLESCENT = tuple(
    Task(
        task.key,
        "Limited sick role: the young person is encouraged to keep going to school and to do "
        "as much as they can, while the depression is named as an illness, not a failing",
    )
    if task.key == "initial.sick_role"
    else task
    for task in INITIAL
) + _tasks(
    "initial",
    (
        "parents",
        "Parent or carer involved: information, consent and psychoeducation about depression",
    ),
)

INITIAL_PERINATAL = INITIAL + _tasks(
    "initial",
    (
        "perinatal",
        "Perinatal needs: the baby and other children in the inventory; EPDS used in "
        "pregnancy and the year after birth; video or phone sessions, a baby present, a "
        "partner or support person joining",
    ),
)

MIDDLE = _tasks(
    "middle",
    ("opening", "Opening question: how have things been since we last met?"),
    ("mood", "Mood rating and questionnaires reviewed, with the trend and any safety flag"),
    ("link", "Changes in mood linked to this week's interpersonal events"),
    ("focus_work", "Work on the focal area with its strategies (below)"),
    (
        "looking_ahead",
        "Looking ahead: what the client might try before next time; how many sessions remain",
    ),
)

MIDDLE_ADOLESCENT = MIDDLE + _tasks(
    "middle",
    ("joint_session", "Joint session with a parent or carer, if the problem area involves them"),
)

TERMINATION = _tasks(
    "termination",
    (
        "name_ending",
        "Ending named and the client's feelings about it discussed; sadness at ending told "
        "apart from a return of depression",
    ),
    ("review_symptoms", "Symptoms reviewed: baseline and current measures compared"),
    (
        "review_goals",
        "Gains reviewed for each goal and focal area, credited to the client's own work",
    ),
    ("review_inventory", "Inventory and closeness circle compared with the start"),
    ("warning_signs", "Personal early warning signs and likely triggers recognised"),
    (
        "relapse_plan",
        "Relapse-prevention plan: what helps, who the supports are, what to do and whom to "
        "contact if signs return, crisis resources",
    ),
    (
        "next_step",
        "Decided what comes next: end of treatment, maintenance sessions, a referral, or a "
        "short recorded extension",
    ),
    ("final_measures", "Final questionnaires completed"),
)

TERMINATION_ADOLESCENT = TERMINATION + _tasks(
    "termination",
    ("parents", "Parent or carer joins to review progress and how to keep it going"),
)

MAINTENANCE = _tasks(
    "maintenance",
    ("mood", "Mood rating and questionnaires reviewed"),
    ("warning_signs", "Early warning signs checked against the relapse-prevention plan"),
    ("triggers", "Interpersonal triggers since last time and how they were handled"),
    ("ongoing", "Work on long-standing relationship problems"),
    ("next", "Next maintenance session agreed"),
)

AREA_TASKS: dict[str, tuple[Task, ...]] = {
    Area.GRIEF: _tasks(
        "grief",
        ("relate", "Symptoms related to the death"),
        (
            "reconstruct",
            "Relationship with the person who died reconstructed, good and bad sides "
            "(ambivalence, anger and guilt explored, not corrected)",
        ),
        ("events", "Events before, during and after the death gone through"),
        ("affect", "Feelings about the loss expressed"),
        ("reconnect", "Ways to reconnect with others and renew interests looked at"),
    ),
    Area.ROLE_DISPUTE: _tasks(
        "role_dispute",
        ("stage", "Stage of the dispute: renegotiation, impasse or dissolution"),
        ("expectations", "Expectations of both sides, and where they are not reciprocal"),
        ("about", "What the dispute is really about"),
        ("parallels", "Parallels with other relationships"),
        ("communication", "Communication analysis of a recent argument"),
        ("options", "Decision analysis of the options"),
        ("role_play", "Role play of a difficult conversation"),
        ("review", "A new approach tried since last time and reviewed"),
    ),
    Area.ROLE_TRANSITION: _tasks(
        "role_transition",
        ("old_role", "Old role reviewed realistically, the good and the bad"),
        ("feelings", "Feelings about what was lost and about the change itself"),
        ("new_role", "Opportunities and demands of the new role looked at"),
        ("skills", "Skills the new role needs identified and practised"),
        ("supports", "New supports and relationships for the new situation"),
    ),
    Area.INTERPERSONAL_DEFICITS: _tasks(
        "interpersonal_deficits",
        ("past", "Past important relationships reviewed for repeating patterns"),
        ("patterns", "How the client tends to relate to others, the therapist included"),
        ("rehearse", "Social situations role-played and rehearsed"),
        ("steps", "Small, concrete steps to contact people set and reviewed"),
    ),
}


def phase_tasks(phase: str, adaptation: str) -> tuple[Task, ...]:
    adolescent = adaptation == Adaptation.ADOLESCENT
    if phase == Phase.INITIAL:
        if adolescent:
            return INITIAL_ADOLESCENT
        return INITIAL_PERINATAL if adaptation == Adaptation.PERINATAL else INITIAL
    if phase == Phase.MIDDLE:
        return MIDDLE_ADOLESCENT if adolescent else MIDDLE
    if phase == Phase.TERMINATION:
        return TERMINATION_ADOLESCENT if adolescent else TERMINATION
    return MAINTENANCE


def checklists(phase: str, adaptation: str, areas: list[str]) -> list[Checklist]:
    """The checklists a session in `phase` shows: the phase's tasks, then each focal
    area's (from the middle phase on; in the initial phase the areas are being chosen)."""
    lists = [Checklist(Phase(phase).label, phase_tasks(phase, adaptation))]
    if phase != Phase.INITIAL:
        lists += [Checklist(Area(area).label, AREA_TASKS[area]) for area in areas]
    return lists


ALL_TASKS = {
    task.key: task
    for group in (
        INITIAL_ADOLESCENT,
        INITIAL_PERINATAL,
        MIDDLE_ADOLESCENT,
        TERMINATION_ADOLESCENT,
        MAINTENANCE,
        *AREA_TASKS.values(),
    )
    for task in group
}
