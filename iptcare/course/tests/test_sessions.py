from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from iptcare.course.models import (
    BetweenSessionGoal,
    DisputeStageChange,
    GoalStatus,
    Session,
)
from iptcare.course.protocol import Status
from iptcare.course.tests.helpers import (
    add_focus,
    agree_contract,
    days_ago,
    hold_sessions,
    make_course,
    record,
    to_middle,
)
from iptcare.test import BaseTestCase


def form_data(session: Session | None = None, **values: object) -> dict:
    """What the session screen posts, starting from a session's saved values."""
    data: dict[str, object] = {
        "held_on": days_ago(1).isoformat(),
        "attendance": "attended",
        "mode": "in_person",
        "mood": "5",
        "events": "",
        "progress_note": "",
    }
    if session is not None:
        data.update(
            held_on=session.held_on.isoformat(),
            attendance=session.attendance,
            mode=session.mode,
            mood="" if session.mood is None else str(session.mood),
            events=session.events,
            progress_note=session.progress_note,
            version=str(session.version),
        )
    data.update(values)
    return data


class RecordSessionTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.course = make_course(self.cal, self.tess, start=days_ago(120))
        self.url = reverse("course:session-create", args=[self.course.code])

    def test_a_session_gets_its_number_phase_and_checklist(self):
        page = self.client.get(self.url)
        self.assertContains(page, "Record session 1, initial phase")
        self.assertContains(page, "Sick role given")
        self.assertContains(page, "15 sessions left after this one")
        next_at = timezone.now() + timedelta(days=6)
        response = self.client.post(
            self.url,
            form_data(
                held_on=days_ago(1).isoformat(),
                mood="3",
                mood_words="flat",
                events="Argued with partner about night feeds on Thursday",
                progress_note="Explained IPT and the sick role.",
                tasks=["initial.psychoeducation", "initial.sick_role"],
                techniques=["exploration", "directive"],
                next_appointment_at=timezone.localtime(next_at).strftime("%Y-%m-%dT%H:%M"),
                goal_text="Tell partner one thing I need this week",
            ),
        )
        session = Session.objects.get(course=self.course)
        self.assertRedirects(response, reverse("course:session", args=[session.code]))
        self.assertEqual((session.number, session.phase, session.mood), (1, "initial", 3))
        self.assertEqual(session.tasks, ["initial.psychoeducation", "initial.sick_role"])
        self.assertEqual(session.progress_note, "Explained IPT and the sick role.")
        self.assertEqual(session.goals_set.get().text, "Tell partner one thing I need this week")
        self.course.refresh_from_db()
        self.assertEqual(self.course.status, Status.INITIAL)
        self.assertIsNotNone(self.course.next_appointment_at)
        self.assertTrue(self.audit_rows(action="course.session.created", object_code=session.code))

        page = self.client.get(reverse("course:session", args=[session.code]))
        self.assertContains(page, "Week 1 of 16, initial phase")

    def test_middle_sessions_show_the_focal_areas_strategies(self):
        add_focus(self.course, self.tess)
        to_middle(self.course, self.tess)
        page = self.client.get(self.url)
        self.assertContains(page, "Record session 4, middle phase")
        self.assertContains(page, "Stage of the dispute: renegotiation, impasse or dissolution")
        self.assertContains(page, "Expectations of both sides")
        self.assertContains(page, "Communication analysis of a recent argument")
        self.assertContains(page, "Stage of the role dispute now")

    def test_bad_sessions_get_a_message_and_change_nothing(self):
        hold_sessions(self.course, self.tess, 2, days_ago(30))
        tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
        cases = [
            (form_data(held_on=tomorrow), "can&#x27;t be in the future"),
            (form_data(held_on=days_ago(200).isoformat()), "The course starts on"),
            (form_data(held_on=days_ago(28).isoformat()), "sessions are recorded in order"),
            (form_data(mood="11"), "0 to 10"),
            (form_data(mood="-1"), "0 to 10"),
            (form_data(tasks=["termination.name_ending"]), "Select a valid choice"),
            (form_data(techniques=["hypnosis"]), "Select a valid choice"),
            (form_data(attendance="no_show", mood="4"), "A missed session has none of these"),
            (form_data(phase="maintenance"), "Select a valid choice"),
            (
                form_data(next_appointment_at=days_ago(3).strftime("%Y-%m-%dT10:00")),
                "must come after this session",
            ),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                self.assertContains(self.client.post(self.url, data), message)
        self.assertEqual(Session.objects.filter(course=self.course).count(), 2)

    def test_session_past_the_plan_needs_the_contract_extended(self):
        course = make_course(self.cleo, self.otto, start=days_ago(60), planned=8)
        self.client.force_login(self.otto)
        hold_sessions(course, self.otto, 8, days_ago(60))
        url = reverse("course:session-create", args=[course.code])
        response = self.client.post(url, form_data(held_on=days_ago(1).isoformat()))
        self.assertContains(response, "This would be session 9 of 8")
        self.assertContains(response, "renegotiate the contract first")
        self.assertEqual(course.sessions.count(), 8)
        agree_contract(course, self.otto, sessions=10, reason="Grief close to resolving")
        self.client.post(url, form_data(held_on=days_ago(1).isoformat()))
        self.assertEqual(course.sessions.get(number=9).phase, "termination")

    def test_missed_sessions_are_recorded_without_a_number(self):
        hold_sessions(self.course, self.tess, 1, days_ago(20))
        self.client.post(
            self.url,
            form_data(held_on=days_ago(13).isoformat(), attendance="no_show", mood=""),
        )
        missed = Session.objects.get(course=self.course, attendance="no_show")
        self.assertIsNone(missed.number)
        self.client.post(self.url, form_data(held_on=days_ago(6).isoformat()))
        self.assertEqual(self.course.sessions.get(held_on=days_ago(6)).number, 2)

    def test_phases_do_not_go_backwards_without_moving_the_course(self):
        to_middle(self.course, self.tess)
        hold_sessions(self.course, self.tess, 1, days_ago(80))  # session 4, middle
        response = self.client.post(self.url, form_data(phase="initial"))
        self.assertContains(response, "phases don&#x27;t go backwards")
        # The initial phase ran long: session 4 may be initial when session 3 was.
        course = make_course(self.cleo, self.otto, start=days_ago(60))
        hold_sessions(course, self.otto, 3, days_ago(60))
        self.client.force_login(self.otto)
        url = reverse("course:session-create", args=[course.code])
        self.client.post(url, form_data(phase="initial"))
        session = course.sessions.get(number=4)
        self.assertEqual((session.phase, session.phase_overridden), ("initial", True))

    def test_between_session_goals_are_reviewed_not_graded(self):
        first = record(self.course, self.tess, days_ago(14), mood=4)
        goal = BetweenSessionGoal.objects.create(
            course=self.course, set_in=first, text="Ask a friend for a walk"
        )
        page = self.client.get(self.url)
        self.assertContains(page, "Ask a friend for a walk")
        self.assertContains(page, "Reviewed, never graded")
        prefix = f"goal-{goal.code}"
        self.client.post(
            self.url,
            {
                **form_data(),
                f"{prefix}-status": "tried",
                f"{prefix}-review": "Went on Sunday, felt lighter",
            },
        )
        goal.refresh_from_db()
        self.assertEqual(
            (goal.status, goal.review), (GoalStatus.TRIED, "Went on Sunday, felt lighter")
        )
        self.assertEqual(goal.reviewed_in, self.course.sessions.get(number=2))

    def test_a_dispute_stage_update_is_kept_with_its_history(self):
        focus = add_focus(self.course, self.tess, dispute_stage="impasse")
        to_middle(self.course, self.tess)
        self.client.post(
            self.url, form_data(dispute_stage="renegotiation", focus_areas=[focus.code])
        )
        focus.refresh_from_db()
        self.assertEqual(focus.dispute_stage, "renegotiation")
        changes = DisputeStageChange.objects.filter(focus_area=focus).order_by("pk")
        self.assertEqual([c.stage for c in changes], ["impasse", "renegotiation"])

    def test_another_courses_focal_area_is_refused(self):
        other = make_course(self.cleo, self.otto)
        foreign = add_focus(other, self.otto)
        response = self.client.post(self.url, form_data(focus_areas=[foreign.code]))
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Session.objects.filter(course=self.course).exists())

    def test_a_closed_course_takes_no_more_sessions(self):
        hold_sessions(self.course, self.tess, 1, days_ago(20))
        self.course.status = Status.ENDED_EARLY
        self.course.save(update_fields=["status"])
        response = self.client.post(self.url, form_data())
        self.assertContains(response, "This course has ended")


class OptimisticLockingTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.course = make_course(self.cal, self.tess, start=days_ago(60))
        self.session = record(self.course, self.tess, days_ago(7), mood=4, progress_note="First")
        self.url = reverse("course:session", args=[self.session.code])

    def test_the_second_of_two_tabs_is_told_and_nothing_is_lost(self):
        first_tab = form_data(self.session, progress_note="First, and what tab one adds")
        second_tab = form_data(self.session, progress_note="First, and what tab two adds", mood="6")

        self.assertRedirects(self.client.post(self.url, first_tab), self.url)
        response = self.client.post(self.url, second_tab)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "saved this session at")
        self.assertContains(response, "Saved meanwhile by someone else")
        self.assertContains(response, "First, and what tab one adds")  # theirs, shown
        self.assertContains(response, "First, and what tab two adds")  # mine, kept in the form
        self.session.refresh_from_db()
        self.assertEqual(self.session.progress_note, "First, and what tab one adds")
        self.assertEqual((self.session.mood, self.session.version), (4, 2))
        self.assertContains(response, 'name="version" value="2"')

        # Saving again from the warned form is a knowing save over version 2.
        second_tab["version"] = "2"
        self.assertRedirects(self.client.post(self.url, second_tab), self.url)
        self.session.refresh_from_db()
        self.assertEqual(
            (self.session.progress_note, self.session.version), ("First, and what tab two adds", 3)
        )

    def test_a_refused_save_does_not_use_up_the_version(self):
        bad = form_data(
            self.session, held_on=(timezone.localdate() + timedelta(days=3)).isoformat()
        )
        self.client.post(self.url, bad)
        self.session.refresh_from_db()
        self.assertEqual(self.session.version, 1)

    def test_attendance_changes_only_on_the_latest_session(self):
        later = record(self.course, self.tess, days_ago(1))
        response = self.client.post(
            self.url, form_data(self.session, attendance="no_show", mood="")
        )
        self.assertContains(response, "only be changed on the latest session")
        response = self.client.post(
            reverse("course:session", args=[later.code]),
            form_data(later, attendance="cancelled_by_client", mood=""),
        )
        later.refresh_from_db()
        self.assertEqual(
            (later.attendance, later.number, later.phase), ("cancelled_by_client", None, "")
        )
