"""Synthetic IPT courses for the demo: one client in each phase, one course completed,
one ended early, one not started, an adolescent and a brief IPC course, with
inventories, timelines and sessions, so `make run` shows a living practice. Every person
and text here is invented.

Built through the real services, dated back from today, and idempotent: a client who
already has a course is left alone.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from iptcare.accounts.models import Practice, User
from iptcare.care import services as care_services
from iptcare.care.models import Client
from iptcare.course import safety, services, sessions
from iptcare.course.models import AlertSource, Attendance
from iptcare.course.protocol import Move

# Clients the course demo adds next to data.CLIENTS (same shape as there).
CLIENTS = [
    {
        "name": "Morgan Ashdown-Reyes",
        "practice": "Lakeside Interpersonal Therapy",
        "therapist": "therapist@example.org",
        "state": "CA",
        "date_of_birth": "1988-02-14",
        "pronouns": "she/her",
        "presenting_concerns": "Low mood since a falling-out with her sister over their "
        "father's care.",
    },
    {
        "name": "Tamsin Okoro-Blake",
        "practice": "Lakeside Interpersonal Therapy",
        "therapist": "therapist@example.org",
        "state": "OR",
        "date_of_birth": "1959-09-03",
        "pronouns": "she/her",
        "presenting_concerns": "Depressed since retiring from teaching last spring.",
    },
    {
        "name": "Devon Marchetti-Shaw",
        "practice": "Lakeside Interpersonal Therapy",
        "therapist": "therapist@example.org",
        "state": "CA",
        "date_of_birth": "1996-12-21",
        "pronouns": "he/him",
        "presenting_concerns": "Lonely since moving for a new job; few friends nearby.",
    },
    {
        "name": "Avery Lindqvist-Ono",
        "practice": "Lakeside Interpersonal Therapy",
        "therapist": "therapist@example.org",
        "state": "CA",
        "date_of_birth": "1992-07-30",
        "pronouns": "they/them",
        "presenting_concerns": "Referred by their doctor for low mood after a separation.",
    },
    {
        "name": "Kit Ferreira-Holm",
        "practice": "Lakeside Interpersonal Therapy",
        "therapist": "jules.ferrante@example.org",
        "state": "NY",
        "date_of_birth": "2011-03-09",
        "pronouns": "he/him",
        "age_group": "adolescent",
        "presenting_concerns": "Withdrawn at school since his parents separated; rows with "
        "his mother.",
    },
]

PARTNER_DISPUTE = {
    "area": "role_dispute",
    "goals": "Say what I need without it becoming a row\nShare the night feeds fairly",
    "details": "Jordan expects Casey to cope as before; Casey expects shared nights. "
    "Both still talk about it: renegotiation.",
    "dispute_stage": "renegotiation",
}

# One course per client: the plan, the people, the timeline and how far it has got.
COURSES: list[dict] = [
    {
        "client": "Casey Lindgren-Moss",
        "client_fields": {
            "pronouns": "they/them",
            "perinatal_status": "postpartum",
            "childbirth_weeks_ago": 18,
            "emergency_contact_name": "Jordan Lindgren-Moss",
            "emergency_contact_relationship": "partner",
            "emergency_contact_phone": "+1 555 0142",
        },
        "kind": "ipt",
        "adaptation": "perinatal",
        "planned": 12,
        "held": 6,
        "moods": [3, 3, 4, 4, 5, 5],
        "focus": [
            {
                "area": "role_transition",
                "goals": "Find a way of being a parent that feels like mine\nSee friends "
                "from before the baby again",
                "details": "Old role: project lead, busy social life. New role: parent at "
                "home. Losses: work identity, friends. Gains: closeness with Ellis.",
            },
            PARTNER_DISPUTE,
        ],
        "people": [
            (
                "Jordan",
                "partner",
                1,
                "daily",
                "moderate",
                "Kind with the baby; makes me laugh",
                "Rows about night feeds",
                "Share the nights",
                "not_met",
                1,
            ),
            ("Ellis (baby)", "child", 1, "daily", "none", "Everything", "", "", "", -1),
            (
                "Mum",
                "parent",
                2,
                "weekly",
                "low",
                "Practical help on Sundays",
                "Tells me how she did it",
                "Listen more",
                "partly",
                -1,
            ),
            (
                "Priya",
                "friend",
                2,
                "monthly",
                "none",
                "My oldest friend",
                "We've lost touch",
                "Be in touch",
                "not_met",
                0,
            ),
            ("Manager", "manager", 3, "none", "none", "", "Worried about going back", "", "", -1),
        ],
        "timeline": [
            (300, "year", "Moved to Oakland for Jordan's job", "change", 6, False, [0]),
            (140, "month", "Ellis born; long labour", "change", 4, True, [0, 1]),
            (100, "month", "Stopped seeing work friends", "isolation", 3, False, [3]),
            (60, "day", "Big argument with Jordan about nights", "conflict", 2, False, [0]),
        ],
        "formulation": "Casey has been depressed since Ellis was born in the spring. It looks "
        "tied to the change from work to being at home with a baby, and to a disagreement "
        "with Jordan about sharing the nights. Over 12 weeks we will work on the new role "
        "and on talking with Jordan.",
        "moves": ["middle"],
        "next_in_days": 3,
    },
    {
        "client": "Riley Abernathy-Cho",
        "kind": "ipt",
        "adaptation": "adult",
        "planned": 16,
        "held": 2,
        "moods": [2, 3],
        "focus": [],
        "people": [
            (
                "Dad",
                "parent",
                1,
                "none",
                "none",
                "Taught me to fish; always there",
                "Never said he was proud",
                "",
                "",
                -1,
            ),
            (
                "Noor (sister)",
                "sibling",
                2,
                "weekly",
                "low",
                "Calls every week",
                "Handles the estate without asking me",
                "Ask me",
                "partly",
                -1,
            ),
            (
                "Sam (partner)",
                "partner",
                1,
                "daily",
                "low",
                "Patient",
                "I shut Sam out",
                "",
                "",
                -1,
            ),
        ],
        "deceased": [0],
        "timeline": [
            (245, "day", "Dad died after a short illness", "loss", 2, True, [0]),
            (200, "month", "Went back to work; stopped sleeping", "health", 2, False, []),
        ],
        "alert": "Said at session 2 that there is 'not much point' in the months ahead.",
        "next_in_days": 2,
    },
    {
        "client": "Morgan Ashdown-Reyes",
        "kind": "ipt",
        "adaptation": "adult",
        "planned": 16,
        "held": 14,
        "moods": [3, 3, 4, 4, 4, 5, 4, 5, 6, 6, 6, 7, 7, 7],
        "focus": [
            {
                "area": "role_dispute",
                "goals": "Talk with Lena about Dad's care without a fight\nShare the visits",
                "details": "Lena expects Morgan to do the weekday visits; Morgan expects "
                "them shared. Started at impasse; now renegotiating.",
                "dispute_stage": "renegotiation",
            }
        ],
        "people": [
            (
                "Lena (sister)",
                "sibling",
                2,
                "weekly",
                "high",
                "We were close as kids",
                "Decides about Dad without me",
                "Share the visits",
                "not_met",
                0,
            ),
            (
                "Dad",
                "parent",
                1,
                "several_weekly",
                "none",
                "Still funny",
                "Needs more care",
                "",
                "",
                -1,
            ),
            ("Chris", "partner", 1, "daily", "low", "Backs me up", "", "", "", -1),
        ],
        "timeline": [
            (200, "month", "Dad's fall; care arrangements start", "health", 4, False, [1]),
            (150, "day", "Row with Lena at the care home", "conflict", 2, True, [0]),
        ],
        "formulation": "Morgan's depression began with the row over their father's care. "
        "We will work on the dispute with Lena: what each expects and how they talk.",
        "moves": ["middle", "termination"],
        "summary": True,
        "next_in_days": 4,
    },
    {
        "client": "Tamsin Okoro-Blake",
        "kind": "ipt",
        "adaptation": "adult",
        "planned": 16,
        "held": 16,
        "moods": [2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 7, 8, 8],
        "focus": [
            {
                "area": "role_transition",
                "goals": "Mourn the end of teaching\nFind a week with some shape",
                "details": "Old role: teacher for 34 years. New: retired. Losses: "
                "colleagues, purpose. Gains: time, the allotment.",
                "status": "resolved",
                "status_note": "Volunteers at the library twice a week; sees two colleagues.",
            }
        ],
        "people": [
            ("Ade (husband)", "partner", 1, "daily", "low", "Steady", "Wants me busy", "", "", 0),
            ("Former colleagues", "colleague", 3, "less", "none", "Shared a life", "", "", "", 0),
        ],
        "timeline": [
            (330, "month", "Retired from teaching", "change", 3, True, [1]),
        ],
        "formulation": "Tamsin has been depressed since retiring: a role transition.",
        "moves": ["middle", "termination", "completed"],
        "summary": True,
        "finished": True,
    },
    {
        "client": "Devon Marchetti-Shaw",
        "kind": "ipt",
        "adaptation": "adult",
        "planned": 16,
        "held": 5,
        "moods": [3, 3, 4, 3, 3],
        "focus": [
            {
                "area": "interpersonal_deficits",
                "goals": "Make one new friend in the city\nCall a friend from home weekly",
                "details": "Few contacts since the move; pattern of waiting for others to call.",
            }
        ],
        "people": [
            (
                "Marco (old friend)",
                "friend",
                2,
                "monthly",
                "none",
                "Knows me",
                "Far away",
                "Call more",
                "partly",
                0,
            ),
        ],
        "timeline": [(160, "month", "Moved for the new job", "change", 4, True, [0])],
        "formulation": "Devon's low mood grew after the move, with few people nearby.",
        "moves": ["middle", "ended_early"],
        "finished": True,
    },
    {
        "client": "Sam Okafor-Reyes",
        "kind": "ipt",
        "adaptation": "adult",
        "planned": 16,
        "held": 8,
        "moods": [3, 4, 4, 5, 4, 5, 6, 6],
        "focus": [
            {
                "area": "role_dispute",
                "goals": "Raise the workload with my manager calmly",
                "details": "Dispute with the manager after the reorganisation.",
                "dispute_stage": "renegotiation",
            }
        ],
        "people": [
            (
                "Dana (manager)",
                "manager",
                3,
                "daily",
                "high",
                "Fair before the reorg",
                "Moves deadlines without asking",
                "Ask first",
                "not_met",
                0,
            ),
            ("Ife (wife)", "partner", 1, "daily", "none", "Listens", "", "", "", -1),
        ],
        "timeline": [(120, "month", "Team reorganised; new manager", "change", 3, True, [0])],
        "formulation": "Sam's depression started with the conflict at work after the "
        "reorganisation.",
        "moves": ["middle"],
        "next_in_days": 5,
    },
    {
        "client": "Kit Ferreira-Holm",
        "kind": "ipt",
        "adaptation": "adolescent",
        "planned": 12,
        "held": 1,
        "moods": [4],
        "focus": [],
        "people": [
            (
                "Mum",
                "parent",
                1,
                "daily",
                "high",
                "Makes dinner with me",
                "Shouts about school",
                "Listen",
                "not_met",
                -1,
            ),
            ("Dad", "parent", 2, "weekly", "low", "Fun weekends", "Moved out", "", "", -1),
        ],
        "timeline": [(90, "month", "Parents separated; Dad moved out", "change", 3, True, [1])],
        "next_in_days": 6,
    },
    {
        "client": "Avery Lindqvist-Ono",
        "kind": "ipt",
        "adaptation": "adult",
        "planned": 16,
        "held": 0,
        "moods": [],
        "focus": [],
        "people": [],
        "timeline": [],
        "start_in_days": 7,
    },
    {
        "client": "Drew Kowalczyk",
        "kind": "ipc",
        "adaptation": "adult",
        "planned": 4,
        "held": 1,
        "moods": [4],
        "focus": [],
        "people": [],
        "timeline": [],
        "next_in_days": 7,
    },
]

PROGRESS_NOTES = {
    "initial": "Reviewed symptoms and the week. Explained IPT and its time limit; worked on "
    "the inventory.",
    "middle": "Linked this week's low day to a conversation at home; communication analysis "
    "of it, then a role play of how to raise it again.",
    "termination": "Talked about the ending and what has changed; early warning signs and "
    "who to call.",
}

SUMMARY = {
    "gains": "Raises difficult things earlier and more calmly; mood much better since the "
    "middle of the course.",
    "remaining": "Still tense when plans change at short notice.",
    "warning_signs": "Sleeping badly, cancelling plans, going quiet at home.",
    "triggers": "Anniversaries; big changes in family care.",
    "what_helps": "Saying it early; a walk with a friend; keeping the week's shape.",
    "supports": "Partner, one close friend, the practice.",
    "plan": "Notice the signs for a week, then call the practice. In a crisis call or text 988.",
    "next_step": "end",
    "next_step_note": "",
}


def _appointment(day: date, hour: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(zone))


def _client(spec: dict, practices: dict) -> Client | None:
    practice = practices.get(spec["practice"])
    therapist = User.objects.filter(email=spec["therapist"]).first()
    if practice is None or therapist is None:
        return None
    existing = Client.objects.filter(practice=practice, name=spec["name"]).first()
    if existing is not None:
        return existing
    fields = {
        "name": spec["name"],
        "state": spec["state"],
        "pronouns": spec["pronouns"],
        "date_of_birth": date.fromisoformat(spec["date_of_birth"]),
        "age_group": spec.get("age_group", "adult"),
        "presenting_concerns": spec["presenting_concerns"],
    }
    return care_services.create_client(None, therapist, fields, [therapist])


def add_demo_courses() -> None:
    """Courses for the demo clients (data.CLIENTS and CLIENTS above)."""
    practices = {practice.name: practice for practice in Practice.objects.all()}
    for person in CLIENTS:
        _client(person, practices)
    for spec in COURSES:
        client = Client.objects.filter(name=spec["client"]).first()
        if client is None or client.courses.exists():
            continue
        therapist = client.therapists.order_by("pk").first()
        if therapist is None:
            continue
        _course(spec, client, therapist)


def _update_client(spec: dict, client: Client, therapist: User, today: date) -> None:
    fields = dict(spec.get("client_fields", {}))
    weeks = fields.pop("childbirth_weeks_ago", None)
    if weeks is not None:
        fields["childbirth_date"] = today - timedelta(weeks=weeks)
    if fields:
        care_services.update_client(None, therapist, client, fields)


def _course(spec: dict, client: Client, therapist: User) -> None:
    today = timezone.localdate()
    zone = therapist.time_zone
    _update_client(spec, client, therapist, today)
    held = spec["held"]
    interval = timedelta(weeks=1)
    first = today - interval * held if held else today + timedelta(days=spec["start_in_days"])
    course = services.start_course(
        None,
        therapist,
        client,
        {
            "kind": spec["kind"],
            "adaptation": spec["adaptation"],
            "planned_sessions": spec["planned"],
            "sessions_reason": "",
            "frequency": "weekly",
            "session_minutes": 30 if spec["kind"] == "ipc" else 50,
            "start_date": first,
        },
    )
    areas = []
    for focus in spec["focus"]:
        values = {k: v for k, v in focus.items() if k not in ("area", "status", "status_note")}
        areas.append(services.add_focus_area(None, therapist, course, focus["area"], values))
    people = []
    for n, row in enumerate(spec["people"]):
        label, relationship, ring, contact, conflict, good, hard, expects, met, area = row
        people.append(
            services.add_person(
                None,
                therapist,
                course,
                {
                    "label": label,
                    "relationship": relationship,
                    "ring": ring,
                    "contact_frequency": contact,
                    "conflict_level": conflict,
                    "good": good,
                    "hard": hard,
                    "expectations": expects,
                    "expectations_met": met,
                    "is_deceased": n in spec.get("deceased", []),
                    "focus_area": areas[area] if 0 <= area < len(areas) else None,
                },
            )
        )
    for days, precision, text, category, mood, onset, linked in spec["timeline"]:
        services.add_event(
            None,
            therapist,
            course,
            {
                "happened_on": today - timedelta(days=days),
                "precision": precision,
                "description": text,
                "category": category,
                "mood": mood,
                "marks_onset": onset,
            },
            [people[i] for i in linked],
        )
    if people:
        services.take_circle_snapshot(None, therapist, course, "initial")
    moves = list(spec.get("moves", []))
    for number in range(1, held + 1):
        if number == 4 and "middle" in moves:
            _initial_done(spec, course, therapist, first)
            services.move_course(None, therapist, course, Move(to=moves.pop(0)))
        if moves and moves[0] == "termination" and number == course.planned_sessions - 2:
            services.move_course(None, therapist, course, Move(to=moves.pop(0)))
        phase = course.phase_of(number)
        day = first + interval * (number - 1)
        last = number == held
        next_at = None
        if last and "next_in_days" in spec:
            next_at = _appointment(today + timedelta(days=spec["next_in_days"]), 10, zone)
        elif not last:
            next_at = _appointment(day + interval, 10, zone)
        sessions.record_session(
            None,
            therapist,
            course,
            {
                "held_on": day,
                "attendance": Attendance.ATTENDED,
                "mode": "video" if number % 3 == 0 else "in_person",
                "client_location": "Home" if number % 3 == 0 else "",
                "mood": spec["moods"][number - 1],
                "events": "Talked through the week's ups and downs with the people close by.",
                "progress_note": PROGRESS_NOTES.get(phase, PROGRESS_NOTES["middle"]),
                "focus_areas": areas if phase != "initial" else [],
                "techniques": ["exploration", "clarification"]
                + (["communication_analysis"] if phase == "middle" else []),
                "next_appointment_at": next_at,
            },
            goal_text="Try one small change with someone close." if phase == "middle" else "",
        )
    if spec.get("summary"):
        services.save_termination_summary(None, therapist, course, SUMMARY)
    for focus, values in zip(areas, spec["focus"], strict=True):
        if values.get("status"):
            services.update_focus_area(
                None,
                therapist,
                focus,
                {"status": values["status"], "status_note": values.get("status_note", "")},
            )
    for to in moves:
        if to == "ended_early":
            move = Move(to=to, end_reason="lost_to_follow_up", reason="Stopped replying")
        elif to == "completed":
            services.take_circle_snapshot(None, therapist, course, "termination")
            move = Move(to=to)
        else:
            move = Move(to=to)
        services.move_course(None, therapist, course, move)
    if spec.get("alert"):
        safety.raise_safety_alert(
            client, AlertSource.CLINICIAN, spec["alert"], tier="review", raised_by=therapist
        )


def _initial_done(spec: dict, course, therapist: User, first: date) -> None:
    """The initial phase's records: formulation, contract, the sick role."""
    services.update_course(
        None,
        therapist,
        course,
        {
            "psychoeducation_date": first,
            "sick_role_date": first,
            "medication_decision": "not_needed",
        },
    )
    services.save_formulation(
        None, therapist, course, spec["formulation"], first + timedelta(weeks=2)
    )
    services.agree_contract(
        None,
        therapist,
        course,
        {
            "sessions": course.planned_sessions,
            "frequency": "weekly",
            "session_minutes": course.session_minutes,
            "start_date": course.start_date,
            "focus": services.focus_summary(course),
            "missed_sessions": "A missed session still counts towards the sessions agreed.",
            "contact": "Call the practice in office hours. In a crisis call or text 988.",
            "client_part": "Come, rate mood each week, and try new ways with people.",
            "measures": "PHQ-9 and GAD-7 at the start, every session and at the end.",
            "reason": "",
            "agreed_on": first + timedelta(weeks=2),
        },
    )
