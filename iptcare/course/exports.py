"""A course's record as one JSON document (the "export" of the record). Psychotherapy
notes are left out unless their author asks, and then only the author's own."""

from iptcare.accounts.models import User
from iptcare.course import checklists
from iptcare.course.models import Course, PsychotherapyNote


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def course_document(course: Course, user: User, include_psychotherapy_notes: bool) -> dict:
    client = course.client
    own_notes: dict[int, str] = {}
    if include_psychotherapy_notes:
        notes = PsychotherapyNote.objects.filter(session__course=course, author=user)
        own_notes = {note.session_id: note.body for note in notes}
    sessions = course.sessions.order_by("held_on", "id").prefetch_related(
        "focus_areas", "goals_set"
    )
    return {
        "client": {
            "name": client.name,
            "date_of_birth": _iso(client.date_of_birth),
            "pronouns": client.pronouns,
            "age_group": client.age_group,
            "perinatal_status": client.perinatal_status,
        },
        "course": {
            "code": str(course.code),
            "kind": course.kind,
            "adaptation": course.adaptation,
            "status": course.status,
            "planned_sessions": course.planned_sessions,
            "frequency": course.frequency,
            "session_minutes": course.session_minutes,
            "start_date": _iso(course.start_date),
            "ended_on": _iso(course.ended_on),
            "end_reason": course.end_reason,
            "therapist": str(course.therapist),
            "working_diagnosis": {
                "system": course.diagnosis_system,
                "code": course.diagnosis_code,
                "label": course.diagnosis_label,
            },
            "psychoeducation_date": _iso(course.psychoeducation_date),
            "sick_role_date": _iso(course.sick_role_date),
            "medication_decision": course.medication_decision,
            "formulation": course.formulation,
            "formulation_accepted_date": _iso(course.formulation_accepted_date),
        },
        "status_history": [
            {
                "at": _iso(change.at),
                "from": change.from_status,
                "to": change.to_status,
                "reason": change.reason,
                "end_reason": change.end_reason,
                "referred_to": change.referred_to,
            }
            for change in course.status_changes.all()
        ],
        "focus_areas": [
            {
                "area": focus.area,
                "is_primary": focus.is_primary,
                "goals": focus.goal_list(),
                "details": focus.details,
                "dispute_stage": focus.dispute_stage,
                "status": focus.status,
                "status_note": focus.status_note,
            }
            for focus in course.focus_areas.all()
        ],
        "contracts": [
            {
                "version": c.version,
                "sessions": c.sessions,
                "frequency": c.frequency,
                "start_date": _iso(c.start_date),
                "end_date": _iso(c.end_date),
                "focus": c.focus,
                "missed_sessions": c.missed_sessions,
                "contact": c.contact,
                "client_part": c.client_part,
                "reason": c.reason,
                "agreed_on": _iso(c.agreed_on),
            }
            for c in course.contracts.all()
        ],
        "inventory": [
            {
                "label": p.label,
                "relationship": p.relationship,
                "ring": p.ring,
                "is_deceased": p.is_deceased,
                "contact_frequency": p.contact_frequency,
                "good": p.good,
                "hard": p.hard,
                "expectations": p.expectations,
                "expectations_met": p.expectations_met,
                "their_expectations": p.their_expectations,
                "can_confide": p.can_confide,
                "conflict_level": p.conflict_level,
                "conflict": p.conflict,
                "would_change": p.would_change,
                "changes_since_onset": p.changes_since_onset,
            }
            for p in course.people.all()
        ],
        "timeline": [
            {
                "when": e.when,
                "category": e.category,
                "description": e.description,
                "mood": e.mood,
                "marks_onset": e.marks_onset,
            }
            for e in course.timeline.all()
        ],
        "sessions": [
            {
                "number": s.number,
                "date": _iso(s.held_on),
                "attendance": s.attendance,
                "mode": s.mode,
                "phase": s.phase,
                "mood": s.mood,
                "events": s.events,
                "focus_areas": [f.area for f in s.focus_areas.all()],
                "tasks": [
                    checklists.ALL_TASKS[key].text for key in s.tasks if key in checklists.ALL_TASKS
                ],
                "techniques": s.techniques,
                "progress_note": s.progress_note,
                "between_session_goals": [g.text for g in s.goals_set.all()],
                **({"psychotherapy_note": own_notes[s.pk]} if s.pk in own_notes else {}),
            }
            for s in sessions
        ],
        "termination_summary": _summary(course),
        "psychotherapy_notes_included": bool(include_psychotherapy_notes),
    }


def _summary(course: Course) -> dict | None:
    summary = getattr(course, "termination_summary", None)
    if summary is None:
        return None
    return {
        "gains": summary.gains,
        "remaining": summary.remaining,
        "warning_signs": summary.warning_signs,
        "triggers": summary.triggers,
        "what_helps": summary.what_helps,
        "supports": summary.supports,
        "plan": summary.plan,
        "next_step": summary.next_step,
        "finalised_at": _iso(summary.finalised_at),
    }
