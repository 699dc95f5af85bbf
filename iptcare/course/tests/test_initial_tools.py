import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import AuditEvent
from iptcare.course import services
from iptcare.course.models import (
    CircleSnapshot,
    FocusArea,
    InventoryPerson,
    TimelineEvent,
    TreatmentContract,
)
from iptcare.course.tests.helpers import (
    add_focus,
    add_person,
    agree_contract,
    days_ago,
    hold_sessions,
    make_course,
)
from iptcare.test import BaseTestCase


class InventoryTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.course = make_course(self.cal, self.tess)

    def test_a_person_is_added_with_the_protocols_fields(self):
        focus = add_focus(self.course, self.tess)
        response = self.client.post(
            reverse("course:person-create", args=[self.course.code]),
            {
                "label": "Sam (partner)",
                "relationship": "partner",
                "ring": "1",
                "contact_frequency": "daily",
                "good": "Funny, kind with the baby",
                "hard": "We argue about the night feeds",
                "expectations": "Share the nights",
                "expectations_met": "not_met",
                "their_expectations": "That I cope as before",
                "can_confide": "partly",
                "conflict_level": "high",
                "knows_about_depression": "yes",
                "would_change": "Talk without shouting",
                "focus_area": str(focus.code),
            },
        )
        self.assertRedirects(response, reverse("course:inventory", args=[self.course.code]))
        person = InventoryPerson.objects.get(course=self.course)
        self.assertEqual(
            (person.label, person.ring, person.focus_area), ("Sam (partner)", 1, focus)
        )
        self.assertEqual(person.last_edited_by, self.tess)
        self.assertEqual(person.flags, ["conflict"])

        page = self.client.get(reverse("course:inventory", args=[self.course.code]))
        self.assertContains(page, "<svg", html=False)
        self.assertContains(page, "1. Sam (partner) (conflict)")
        self.assertContains(page, "We argue about the night feeds")
        self.assertContains(page, "Role dispute")

    def test_a_focal_area_of_another_client_is_refused(self):
        other = make_course(self.cleo, self.otto)
        foreign = add_focus(other, self.otto)
        response = self.client.post(
            reverse("course:person-create", args=[self.course.code]),
            {
                "label": "Mum",
                "relationship": "parent",
                "ring": "2",
                "contact_frequency": "weekly",
                "focus_area": str(foreign.code),
            },
        )
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(InventoryPerson.objects.filter(course=self.course).exists())
        with self.assertRaisesMessage(services.Refused, "belongs to another course"):
            add_person(self.course, self.tess, focus_area=foreign)

    def test_bad_people_get_a_message(self):
        url = reverse("course:person-create", args=[self.course.code])
        base = {"label": "Dad", "relationship": "parent", "ring": "2", "contact_frequency": "none"}
        tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
        cases = [
            ({**base, "label": ""}, "This field is required"),
            ({**base, "ring": "4"}, "Select a valid choice"),
            ({**base, "relationship": "boss"}, "Select a valid choice"),
            ({**base, "died_on": "2020-01-01"}, "only for someone who has died"),
            ({**base, "is_deceased": "on", "died_on": tomorrow}, "can&#x27;t be in the future"),
            ({**base, "label": "x" * 101}, "at most 100 characters"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                self.assertContains(self.client.post(url, data), message)
        self.assertFalse(InventoryPerson.objects.exists())

    def test_a_person_moves_between_circles_with_a_plain_form(self):
        person = add_person(self.course, self.tess, label="Mum", ring=3)
        url = reverse("course:person-ring", args=[person.code])
        response = self.client.post(url, {f"{person.code}-ring": "1"})
        self.assertRedirects(response, reverse("course:inventory", args=[self.course.code]))
        person.refresh_from_db()
        self.assertEqual(person.ring, 1)
        self.assertTrue(AuditEvent.objects.filter(action="course.person.moved").exists())
        self.client.post(url, {f"{person.code}-ring": "7"})
        person.refresh_from_db()
        self.assertEqual(person.ring, 1)
        # Another therapist's client's person: 404, nothing moved.
        self.client.force_login(self.otto)
        self.assertEqual(self.client.post(url, {f"{person.code}-ring": "3"}).status_code, 404)
        person.refresh_from_db()
        self.assertEqual(person.ring, 1)

    def test_snapshots_freeze_the_circle_for_comparison(self):
        add_person(self.course, self.tess, label="Mum", ring=3)
        url = reverse("course:circle-snapshot", args=[self.course.code])
        self.client.post(url, {"purpose": "initial"})
        snapshot = CircleSnapshot.objects.get(course=self.course)
        self.assertEqual(json.loads(snapshot.people), [{"label": "Mum", "ring": 3, "flags": []}])
        self.client.post(url, {"purpose": "yesterday"})
        self.assertEqual(CircleSnapshot.objects.count(), 1)
        page = self.client.get(reverse("course:inventory", args=[self.course.code]))
        self.assertContains(page, "Initial phase</strong>")

    def test_the_printable_circle_is_audited_as_an_export(self):
        add_person(self.course, self.tess, label="Mum", ring=1)
        add_person(self.course, self.tess, label="Grandad", ring=2, is_deceased=True)
        response = self.client.get(reverse("course:circle-print", args=[self.course.code]))
        self.assertContains(response, "The people around Cal")
        self.assertContains(response, "2. Grandad (died)")
        self.assertContains(response, "<td>Grandad</td><td>Middle</td><td>died</td>", html=True)
        self.assertTrue(AuditEvent.objects.filter(action="course.circle.printed").exists())


class TimelineTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.course = make_course(self.cal, self.tess)
        self.mum = add_person(self.course, self.tess, label="Mum")
        self.url = reverse("course:event-create", args=[self.course.code])

    def event(self, **values) -> dict:
        data = {
            "happened_on": "2025-03-10",
            "precision": "month",
            "description": "Moved to a new city for work",
            "category": "change",
            "mood": "3",
            "marks_onset": "on",
            "people": [str(self.mum.code)],
        }
        data.update(values)
        return data

    def test_events_are_drawn_beside_mood_on_one_axis(self):
        self.assertRedirects(
            self.client.post(self.url, self.event()),
            reverse("course:timeline", args=[self.course.code]),
        )
        event = TimelineEvent.objects.get()
        self.assertEqual(list(event.people.all()), [self.mum])
        self.assertEqual(event.when, "March 2025")
        hold_sessions(self.course, self.tess, 2)
        page = self.client.get(reverse("course:timeline", args=[self.course.code]))
        self.assertContains(page, "Interpersonal timeline: numbered life events")
        self.assertContains(page, "onset-line")
        self.assertContains(page, "Session 2: mood 5")
        self.assertContains(page, "episode began")

    def test_bad_events_get_a_message_and_change_nothing(self):
        other = make_course(self.cleo, self.otto)
        stranger = add_person(other, self.otto, label="Cleo's brother")
        tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
        cases = [
            (self.event(happened_on=tomorrow), "can&#x27;t be in the future"),
            (self.event(mood="11"), "0 to 10"),
            (self.event(people=[str(stranger.code)]), "Select a valid choice"),
            (self.event(category="joy"), "Select a valid choice"),
            (self.event(description=""), "This field is required"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                self.assertContains(self.client.post(self.url, data), message)
        self.assertFalse(TimelineEvent.objects.exists())
        with self.assertRaisesMessage(services.Refused, "this client's own inventory"):
            services.add_event(
                None,
                self.tess,
                self.course,
                {"happened_on": days_ago(3), "description": "x", "category": "other"},
                [stranger],
            )


class FormulationAndContractTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.course = make_course(self.cal, self.tess)
        hold_sessions(self.course, self.tess, 2)

    def test_at_most_two_focal_areas_one_primary(self):
        url = reverse("course:focus-create", args=[self.course.code])
        self.client.post(url, {"area": "role_transition", "goals": "Settle into parenthood"})
        self.client.post(
            url, {"area": "role_dispute", "is_primary": "on", "dispute_stage": "impasse"}
        )
        areas = {f.area: f for f in FocusArea.objects.filter(course=self.course)}
        self.assertTrue(areas["role_dispute"].is_primary)
        self.assertFalse(areas["role_transition"].is_primary)
        response = self.client.post(url, {"area": "grief"})
        self.assertContains(response, "at most two focal areas")
        self.assertEqual(FocusArea.objects.count(), 2)
        page = self.client.get(reverse("course:formulation", args=[self.course.code]))
        self.assertContains(page, "The course has its two focal areas")
        self.assertNotContains(page, "Add a focal area")

    def test_the_same_area_twice_and_stages_of_other_areas_are_refused(self):
        url = reverse("course:focus-create", args=[self.course.code])
        self.client.post(url, {"area": "grief"})
        self.assertContains(self.client.post(url, {"area": "grief"}), "already a focal area")
        response = self.client.post(url, {"area": "role_transition", "dispute_stage": "impasse"})
        self.assertContains(response, "Only a role dispute has a stage")
        self.assertEqual(FocusArea.objects.count(), 1)

    def test_dropping_an_area_needs_a_reason(self):
        focus = add_focus(self.course, self.tess, area="grief")
        url = reverse("course:focus-edit", args=[focus.code])
        self.assertContains(self.client.post(url, {"status": "dropped"}), "Say why")
        self.client.post(url, {"status": "dropped", "status_note": "The transition matters more"})
        focus.refresh_from_db()
        self.assertEqual(focus.status, "dropped")

    def test_the_formulation_and_the_clients_agreement(self):
        url = reverse("course:formulation", args=[self.course.code])
        text = "Depressed since the birth in March; linked to the change in role."
        self.client.post(
            url, {"formulation": text, "formulation_accepted_date": days_ago(1).isoformat()}
        )
        self.course.refresh_from_db()
        self.assertEqual(self.course.formulation, text)
        tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
        response = self.client.post(
            url, {"formulation": text, "formulation_accepted_date": tomorrow}
        )
        self.assertContains(response, "can&#x27;t be in the future")
        response = self.client.post(
            url, {"formulation": "", "formulation_accepted_date": days_ago(1).isoformat()}
        )
        self.assertContains(response, "Write the formulation before")
        self.course.refresh_from_db()
        self.assertEqual(self.course.formulation, text)

    def test_the_contract_is_versioned_and_sets_the_plan(self):
        add_focus(self.course, self.tess, goals="Share the nights")
        url = reverse("course:contract-new", args=[self.course.code])
        page = self.client.get(url)
        self.assertContains(page, "Role dispute (primary)")
        self.assertContains(page, "- Share the nights")
        self.assertContains(page, "A missed session still counts")
        data = {
            "sessions": "12",
            "frequency": "weekly",
            "session_minutes": "50",
            "start_date": self.course.start_date.isoformat(),
            "focus": "Role dispute with Sam",
            "missed_sessions": "Counts.",
            "contact": "Phone the practice. Crisis: 988.",
            "client_part": "Come and talk.",
            "measures": "PHQ-9",
            "agreed_on": days_ago(1).isoformat(),
        }
        self.assertRedirects(
            self.client.post(url, data), reverse("course:contract", args=[self.course.code])
        )
        self.course.refresh_from_db()
        self.assertEqual(self.course.planned_sessions, 12)
        # A second version is a renegotiation, with its reason.
        self.assertContains(
            self.client.post(url, {**data, "sessions": "14"}),
            "Say why the contract is renegotiated",
        )
        self.assertContains(
            self.client.post(url, {**data, "sessions": "1", "reason": "x"}),
            "2 sessions have been held already",
        )
        self.client.post(url, {**data, "sessions": "14", "reason": "Slow start"})
        versions = list(
            TreatmentContract.objects.filter(course=self.course).values_list("version", "sessions")
        )
        self.assertEqual(versions, [(2, 14), (1, 12)])
        self.course.refresh_from_db()
        self.assertEqual(self.course.planned_sessions, 14)

    def test_the_printable_contract(self):
        agree_contract(self.course, self.tess, focus="Role dispute with Sam")
        response = self.client.get(reverse("course:contract-print", args=[self.course.code]))
        self.assertContains(response, "Our agreement for IPT")
        self.assertContains(response, "16 sessions, weekly, about 50 minutes each")
        self.assertContains(response, "Role dispute with Sam")
        self.assertContains(response, "data-print")
        self.assertTrue(AuditEvent.objects.filter(action="course.contract.printed").exists())
