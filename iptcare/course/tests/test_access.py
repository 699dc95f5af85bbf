"""Forged posts with valid data, from everyone who may not make them, change nothing.
(The permission matrix covers every URL with empty posts and other ids.)"""

from django.urls import reverse

from iptcare.course.tests.helpers import make_world, snapshot_of_courses
from iptcare.test import BaseTestCase


class ForgedPostsTestCase(BaseTestCase):
    def test_valid_posts_by_the_wrong_people_change_nothing(self):
        world = make_world(self.cal, self.tess)
        course, session, person = world["course"], world["session"], world["person"]
        posts = [
            ("course:course-move", course, {"to": "on_hold", "reason": "x"}),
            ("course:formulation", course, {"formulation": "forged"}),
            ("course:focus-create", course, {"area": "grief"}),
            ("course:person-create", course, {"label": "X", "relationship": "other",
                                              "ring": "1", "contact_frequency": "daily"}),
            ("course:person-ring", person, {f"{person.code}-ring": "3"}),
            ("course:circle-snapshot", course, {"purpose": "other"}),
            ("course:session", session, {"held_on": session.held_on.isoformat(),
                                         "attendance": "attended", "mode": "video",
                                         "version": "1", "progress_note": "forged"}),
            ("course:alert-acknowledge", world["alert"], {}),
        ]  # fmt: skip
        before = snapshot_of_courses()
        for who in [self.otto, self.olga, self.oona, self.ada, self.cal_user, self.opal]:
            self.client.force_login(who)
            for name, target, data in posts:
                if who == self.ada and name == "course:alert-acknowledge":
                    continue  # the admin is a safety lead and may acknowledge
                with self.subTest(who=who.email, url=name):
                    response = self.client.post(reverse(name, args=[target.code]), data)
                    self.assertIn(response.status_code, (403, 404))
        self.assertEqual(snapshot_of_courses(), before)
        session.refresh_from_db()
        self.assertNotEqual(session.progress_note, "forged")
