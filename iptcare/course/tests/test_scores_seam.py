"""The seam the measures module plugs into: scores sent through course.signals show on
the session screen and on the timeline's chart."""

from django.urls import reverse

from iptcare.course import signals
from iptcare.course.signals import Score
from iptcare.course.tests.helpers import days_ago, make_course, record
from iptcare.test import BaseTestCase


class ScoresSeamTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.course = make_course(self.cal, self.tess, start=days_ago(30))
        self.session = record(self.course, self.tess, days_ago(2), mood=4)

    def connect(self, signal, scores):
        def receiver(sender, **kwargs):
            return scores

        signal.connect(receiver, weak=False, dispatch_uid="test-scores")
        self.addCleanup(signal.disconnect, dispatch_uid="test-scores")

    def test_the_session_screen_shows_that_weeks_scores(self):
        page = self.client.get(reverse("course:session", args=[self.session.code]))
        self.assertContains(page, "None recorded for this session.")
        score = Score("PHQ-9", 14, 27, days_ago(2), band="moderate", flagged=True)
        self.connect(signals.session_scores, [score])
        page = self.client.get(reverse("course:session", args=[self.session.code]))
        self.assertContains(page, "PHQ-9: <strong>14</strong> of 27")
        self.assertContains(page, "moderate; screening information")
        self.assertContains(page, "critical item above zero")

    def test_the_timeline_draws_scores_on_the_same_axis(self):
        scores = [Score("PHQ-9", 18, 27, days_ago(20)), Score("PHQ-9", 9, 27, days_ago(2))]
        self.connect(signals.course_scores, scores)
        page = self.client.get(reverse("course:timeline", args=[self.course.code]))
        self.assertContains(page, "Questionnaire scores on the same time axis")
        self.assertContains(page, "PHQ-9 (0-27)")
        self.assertContains(page, "Screening information, not a diagnosis.")
