"""Every URL × every role × own/other practice and client, with the exact status expected.

A URL that is not listed here fails `test_it_lists_every_url`, so a new view can't ship
without a decision about who may reach it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from iptcare.booking.models import Consultation
from iptcare.booking.tests.helpers import make_consultation
from iptcare.care.models import Client, Note
from iptcare.course.tests.helpers import make_world, snapshot_of_courses
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.measures.tests.helpers import assign, submit
from iptcare.test import BaseTestCase

# The cast (iptcare/test.py): Cal is Tess's client in Practice One, Cleo is Otto's, Ada is
# Practice One's admin; Dina is Olga's client in Practice Two, Oona its admin; Opal operates.
ROLES = ["anonymous", "cal", "cleo", "dina", "tess", "otto", "ada", "olga", "oona", "opal"]

# URL names that are public or belong to third-party apps tested on their own terms.
PUBLIC = {
    "index",
    "get-help",
    "healthz",
    "api:openapi-json",
    "api:api-root",
    "api:concerns",
    "api:match",
    "directory:search",
    "directory:search-state",
    "directory:profile",
    "directory:photo",
    "directory:match",
    # Booking without an account; the manage links carry their own signed token
    # (iptcare/booking/tests/test_links.py).
    "booking:book",
    "booking:cancel",
    "booking:reschedule",
    "booking:accept",
}
THIRD_PARTY_NAMESPACES = {"admin"}
THIRD_PARTY_MODULES = ("allauth",)


def row(**statuses) -> dict[str, tuple[int, ...]]:
    assert set(statuses) == set(ROLES), set(ROLES) ^ set(statuses)
    return {role: s if isinstance(s, tuple) else (s,) for role, s in statuses.items()}


# Pages without ids: one status per role.
STAFF_PAGE = row(
    anonymous=302,
    cal=403,
    cleo=403,
    dina=403,
    tess=200,
    otto=200,
    ada=200,
    olga=200,
    oona=200,
    opal=403,
)
ADMIN_PAGE = row(
    anonymous=302,
    cal=403,
    cleo=403,
    dina=403,
    tess=403,
    otto=403,
    ada=200,
    olga=403,
    oona=200,
    opal=403,
)
CLIENT_PAGE = row(
    anonymous=302,
    cal=200,
    cleo=200,
    dina=200,
    tess=403,
    otto=403,
    ada=403,
    olga=403,
    oona=403,
    opal=403,
)
POST_ONLY: dict[str, tuple[int, ...]] = {
    role: (302, 302) if role == "anonymous" else (405, 405) for role in ROLES
}
THERAPIST_PAGE = row(
    anonymous=302,
    cal=403,
    cleo=403,
    dina=403,
    tess=200,
    otto=200,
    ada=403,
    olga=200,
    oona=403,
    opal=403,
)
POST_ONLY_PAGE: dict[str, tuple[int, ...]] = {
    role: (302,) if role == "anonymous" else (405,) for role in ROLES
}
# Pages about a record: (status for Practice One's record, status for Practice Two's).
CLIENT_RECORD = row(
    anonymous=(302, 302),
    cal=(403, 403),
    cleo=(403, 403),
    dina=(403, 403),
    tess=(200, 404),
    otto=(404, 404),
    ada=(200, 404),
    olga=(404, 200),
    oona=(404, 200),
    opal=(403, 403),
)
# A practice's own settings record (a crisis resource): its admins only, 404 for others'.
ADMIN_RECORD = row(
    anonymous=(302, 302),
    cal=(403, 403),
    cleo=(403, 403),
    dina=(403, 403),
    tess=(403, 403),
    otto=(403, 403),
    ada=(200, 404),
    olga=(403, 403),
    oona=(404, 200),
    opal=(403, 403),
)
NOTE_WRITE_ON_CLIENT = row(
    anonymous=(302, 302),
    cal=(403, 403),
    cleo=(403, 403),
    dina=(403, 403),
    tess=(200, 404),
    otto=(404, 404),
    ada=(403, 404),
    olga=(404, 200),
    oona=(404, 403),
    opal=(403, 403),
)
NOTE_READ = NOTE_WRITE_ON_CLIENT
# A consultation call is its therapist's alone: admins and clients have no inbox (403).
CONSULTATION_RECORD = row(
    anonymous=(302, 302),
    cal=(403, 403),
    cleo=(403, 403),
    dina=(403, 403),
    tess=(200, 404),
    otto=(404, 404),
    ada=(403, 403),
    olga=(404, 200),
    oona=(403, 403),
    opal=(403, 403),
)
NOTE_EDIT = NOTE_WRITE_ON_CLIENT  # Tess and Olga wrote the notes; see test_note_author_only
# The course workspace is clinical content for the client's therapists, like notes; its
# safety alerts are also for the practice admins, the safety leads (course/access.py).
COURSE_WORKSPACE = NOTE_WRITE_ON_CLIENT
SAFETY_ALERT = CLIENT_RECORD
# A client's own questionnaire (Cal's, Dina's): staff have no portal (403), anyone else 404.
OWN_QUESTIONNAIRE = row(
    anonymous=(302, 302),
    cal=(200, 404),
    cleo=(404, 404),
    dina=(404, 200),
    tess=(403, 403),
    otto=(403, 403),
    ada=(403, 403),
    olga=(403, 403),
    oona=(403, 403),
    opal=(403, 403),
)


def api(statuses: dict) -> dict:
    """The API answers 401 where a page would redirect to sign in."""
    return {role: tuple(401 if s == 302 else s for s in v) for role, v in statuses.items()}


@dataclass
class Route:
    name: str
    expect: dict[str, tuple[int, ...]]
    target: str = ""  # "client", "note", "consultation": the URL takes that record's code
    post: bool = False  # also POST an empty form: must change nothing for anyone
    clinical: bool = True  # shows client data, so every successful GET writes an audit row
    extra: dict = field(default_factory=dict)


MATRIX = [
    Route(
        "dashboard",
        row(
            anonymous=302,
            cal=302,
            cleo=302,
            dina=302,
            tess=302,
            otto=302,
            ada=302,
            olga=302,
            oona=302,
            opal=302,
        ),
        clinical=False,
    ),
    Route("care:client-list", STAFF_PAGE),
    Route("care:client-create", STAFF_PAGE, post=True, clinical=False),
    Route("care:client-detail", CLIENT_RECORD, target="client"),
    Route("care:client-edit", CLIENT_RECORD, target="client", post=True),
    Route("care:note-create", NOTE_WRITE_ON_CLIENT, target="client", post=True),
    Route("care:note-detail", NOTE_READ, target="note"),
    Route("care:note-edit", NOTE_EDIT, target="note", post=True),
    Route("practice:home", ADMIN_PAGE, clinical=False),
    Route("practice:audit-log", ADMIN_PAGE, clinical=False),
    Route("practice:staff-invite", ADMIN_PAGE, post=True, clinical=False),
    # POST only (see test_staff_access.py for who may deactivate whom).
    Route("practice:staff-set-active", POST_ONLY, target="staff", clinical=False),
    # Posting: iptcare/accounts/tests/test_crisis_resources.py (an empty contact form is valid).
    Route("practice:crisis-resources", ADMIN_PAGE, clinical=False),
    Route("practice:crisis-resource-add", ADMIN_PAGE, post=True, clinical=False),
    Route(
        "practice:crisis-resource-edit", ADMIN_RECORD, target="crisis", post=True, clinical=False
    ),
    Route("practice:crisis-resource-verify", POST_ONLY, target="crisis", clinical=False),
    Route("portal:home", CLIENT_PAGE),
    Route("directory:profile-edit", THERAPIST_PAGE, clinical=False),
    Route("directory:profile-photo", POST_ONLY_PAGE, clinical=False),
    Route("directory:practice-profiles", ADMIN_PAGE, clinical=False),
    # POST only; who may publish and verify what: iptcare/directory/tests/test_directory.py.
    Route("directory:practice-publish", POST_ONLY, target="profile", clinical=False),
    Route("directory:practice-verify-license", POST_ONLY, target="license", clinical=False),
    Route("directory:practice-verify-credential", POST_ONLY, target="credential", clinical=False),
    Route("booking:inbox", THERAPIST_PAGE),
    Route("booking:consultation", CONSULTATION_RECORD, target="consultation", post=True),
    Route("booking:availability", THERAPIST_PAGE, post=True, clinical=False),
    # POST only; who may invite whom: iptcare/care/tests/test_invitations.py.
    Route("care:invite-from-consultation", POST_ONLY, target="consultation", clinical=False),
    Route("course:course-create", COURSE_WORKSPACE, target="client", post=True),
    # Empty posts are valid saves on these two (records and formulation may be blank).
    Route("course:course", COURSE_WORKSPACE, target="course"),
    Route("course:course-edit", COURSE_WORKSPACE, target="course"),
    Route("course:course-move", COURSE_WORKSPACE, target="course", post=True),
    # The download itself needs a fresh password (iptcare/course/tests/test_export.py).
    Route("course:course-export", COURSE_WORKSPACE, target="course"),
    Route("course:formulation", COURSE_WORKSPACE, target="course"),
    Route("course:focus-create", COURSE_WORKSPACE, target="course", post=True),
    Route("course:focus-edit", COURSE_WORKSPACE, target="focus", post=True),
    Route("course:contract", COURSE_WORKSPACE, target="course"),
    Route("course:contract-new", COURSE_WORKSPACE, target="course", post=True),
    Route("course:contract-print", COURSE_WORKSPACE, target="course"),
    Route("course:termination", COURSE_WORKSPACE, target="course", post=True),
    Route("course:termination-print", COURSE_WORKSPACE, target="course"),
    Route("course:inventory", COURSE_WORKSPACE, target="course"),
    Route("course:person-create", COURSE_WORKSPACE, target="course", post=True),
    Route("course:person-edit", COURSE_WORKSPACE, target="person", post=True),
    Route("course:person-ring", POST_ONLY, target="person", clinical=False),
    Route("course:circle-print", COURSE_WORKSPACE, target="course"),
    Route("course:circle-snapshot", POST_ONLY, target="course", clinical=False),
    Route("course:timeline", COURSE_WORKSPACE, target="course"),
    Route("course:event-create", COURSE_WORKSPACE, target="course", post=True),
    Route("course:event-edit", COURSE_WORKSPACE, target="event", post=True),
    Route("course:session-create", COURSE_WORKSPACE, target="course", post=True),
    Route("course:session", COURSE_WORKSPACE, target="session", post=True),
    # Each therapist only ever sees their own note here (test_psychotherapy_notes.py).
    Route("course:psychotherapy-note", COURSE_WORKSPACE, target="session", post=True),
    Route("course:alert-create", SAFETY_ALERT, target="client", post=True),
    Route("course:alert", SAFETY_ALERT, target="alert"),
    Route("course:alert-acknowledge", POST_ONLY, target="alert", clinical=False),
    Route("course:alert-follow-up", POST_ONLY, target="alert", clinical=False),
    Route("course:alert-close", POST_ONLY, target="alert", clinical=False),
    Route("course:alert-reopen", POST_ONLY, target="alert", clinical=False),
    Route("measures:outcomes", ADMIN_PAGE),
    Route("interop:fhir-questionnaire", STAFF_PAGE, target="instrument", clinical=False),
    # Questionnaire answers are clinical: the client's therapists only, as the course.
    Route("interop:fhir-client-bundle", COURSE_WORKSPACE, target="client"),
    Route("measures:course", COURSE_WORKSPACE, target="course", post=True),
    # Posting answers: iptcare/measures/tests/test_portal_questionnaire.py.
    # Posting a day: iptcare/measures/tests/test_diary.py.
    Route("portal:diary", CLIENT_PAGE),
    Route("portal:progress", CLIENT_PAGE),
    Route("portal:goals", CLIENT_PAGE),
    Route("portal:questionnaire", OWN_QUESTIONNAIRE, target="assignment"),
    Route("portal:questionnaire-done", OWN_QUESTIONNAIRE, target="response"),
    Route("api:client-list", api(STAFF_PAGE)),
    Route("api:client-detail", api(CLIENT_RECORD), target="client"),
]


def _all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                if module.startswith(THIRD_PARTY_MODULES):
                    continue
                if pattern.namespace in THIRD_PARTY_NAMESPACES:
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL {pattern.pattern} has no name"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


class PermissionMatrixTestCase(BaseTestCase):
    tess_profile: TherapistProfile
    olga_profile: TherapistProfile
    tess_consultation: Consultation
    olga_consultation: Consultation
    worlds: list[dict]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tess_profile = make_profile(cls.tess)
        cls.olga_profile = make_profile(cls.olga)
        tomorrow = timezone.now() + timedelta(days=1)
        cls.tess_consultation = make_consultation(cls.tess_profile, tomorrow)
        cls.olga_consultation = make_consultation(cls.olga_profile, tomorrow)
        # One of every course record for Cal (Tess's) and Dina (Olga's): iptcare/course.
        cls.worlds = [make_world(cls.cal, cls.tess), make_world(cls.dina, cls.olga)]
        # A questionnaire with one sent response in each course: iptcare/measures.
        for world, therapist in zip(cls.worlds, (cls.tess, cls.olga), strict=True):
            world["assignment"] = assign(world["course"], therapist, "gad7", "once")
            world["response"] = submit(world["assignment"], [1] * 7)

    def user_for(self, role: str):
        if role == "anonymous":
            return None
        return getattr(self, f"{role}_user", None) or getattr(self, role)

    def login_as(self, role: str) -> None:
        self.client.logout()
        user = self.user_for(role)
        if user is not None:
            self.client.force_login(user)

    def paths(self, route: Route) -> list[str]:
        if route.target == "client":
            return [reverse(route.name, args=[c.code]) for c in (self.cal, self.dina)]
        if route.target in ("profile", "license", "credential"):
            profiles = [self.tess_profile, self.olga_profile]
            if route.target == "profile":
                return [reverse(route.name, args=[p.code]) for p in profiles]
            related = "licenses" if route.target == "license" else "credentials"
            return [reverse(route.name, args=[getattr(p, related).get().code]) for p in profiles]
        if route.target == "staff":
            return [reverse(route.name, args=[u.code]) for u in (self.tess, self.olga)]
        if route.target == "crisis":
            practices = (self.practice, self.other_practice)
            entries = [p.crisis_resources.get(country="US") for p in practices]
            return [reverse(route.name, args=[e.code]) for e in entries]
        if route.target == "consultation":
            consultations = (self.tess_consultation, self.olga_consultation)
            return [reverse(route.name, args=[c.code]) for c in consultations]
        if route.target == "instrument":
            return [reverse(route.name, args=["phq9"])]
        if route.target in ("assignment", "response"):
            return [reverse(route.name, args=[world[route.target].code]) for world in self.worlds]
        if route.target in ("course", "focus", "person", "event", "session", "alert"):
            return [reverse(route.name, args=[world[route.target].code]) for world in self.worlds]
        if route.target == "note":
            return [reverse(route.name, args=[n.code]) for n in (self.note, self.dina_note)]
        return [reverse(route.name)]

    def snapshot(self):
        return (
            list(Client.objects.order_by("pk").values_list("name", "updated_at")),
            list(Note.objects.order_by("pk").values_list("pk", "updated_at")),
            snapshot_of_courses(),
        )

    def test_it_lists_every_url(self):
        listed = {route.name for route in MATRIX} | PUBLIC
        unlisted = _all_url_names() - listed
        self.assertEqual(unlisted, set(), "Add these URLs to the permission matrix")
        self.assertEqual(listed - _all_url_names() - {"api:openapi-view"}, set())

    def test_get_matrix(self):
        for route in MATRIX:
            for role in ROLES:
                self.login_as(role)
                for path, expected in zip(self.paths(route), route.expect[role], strict=True):
                    with self.subTest(url=route.name, role=role, path=path):
                        response = self.client.get(path)
                        self.assertEqual(response.status_code, expected)
                        if expected == 302 and role == "anonymous":
                            self.assertIn("/accounts/login/", response["Location"])

    def test_every_clinical_view_writes_an_audit_row(self):
        from iptcare.accounts.models import AuditEvent

        for route in [r for r in MATRIX if r.clinical]:
            for role in ROLES:
                self.login_as(role)
                for path, expected in zip(self.paths(route), route.expect[role], strict=True):
                    if expected != 200:
                        continue
                    with self.subTest(url=route.name, role=role):
                        before = AuditEvent.objects.count()
                        self.assertEqual(self.client.get(path).status_code, 200)
                        self.assertGreater(AuditEvent.objects.count(), before)
                        event = AuditEvent.objects.latest("id")
                        self.assertEqual(event.actor, self.user_for(role))
                        self.assertEqual(event.view_name, route.name)

    def test_post_matrix_changes_nothing_without_permission(self):
        before = self.snapshot()
        for route in [r for r in MATRIX if r.post]:
            for role in ROLES:
                self.login_as(role)
                for path, expected in zip(self.paths(route), route.expect[role], strict=True):
                    with self.subTest(url=route.name, role=role, path=path):
                        # An empty form: allowed users see the form again with errors.
                        response = self.client.post(path, {})
                        self.assertEqual(response.status_code, expected)
        self.assertEqual(self.snapshot(), before)

    def test_forged_posts_with_valid_data_change_nothing(self):
        before = self.snapshot()
        data = {"name": "Mallory", "body": "forged"}
        for role in ["cal", "cleo", "otto", "olga", "oona", "opal", "anonymous"]:
            self.login_as(role)
            for name, code in [
                ("care:client-edit", self.cal.code),
                ("care:note-create", self.cal.code),
                ("care:note-edit", self.note.code),
            ]:
                with self.subTest(role=role, url=name):
                    response = self.client.post(reverse(name, args=[code]), data)
                    self.assertIn(response.status_code, (302, 403, 404))
                    if response.status_code == 302:
                        self.assertIn("/accounts/login/", response["Location"])
        self.assertEqual(self.snapshot(), before)

    def test_unknown_and_malformed_ids_are_404(self):
        self.client.force_login(self.tess)
        for path in [
            "/app/clients/00000000-0000-0000-0000-000000000000/",
            "/app/clients/not-a-uuid/",
            "/app/notes/1/",
            "/app/clients/1/edit/",
        ]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)
        response = self.client.get("/api/v1/clients/not-a-uuid")
        self.assertIn(response.status_code, (404, 422))

    def test_note_author_only(self):
        # Another therapist of Cal may read Tess's note but not change it.
        self.cal.therapists.add(self.otto)
        self.client.force_login(self.otto)
        self.assertEqual(
            self.client.get(reverse("care:note-detail", args=[self.note.code])).status_code, 200
        )
        response = self.client.post(reverse("care:note-edit", args=[self.note.code]), {"body": "x"})
        self.assertEqual(response.status_code, 403)
        self.note.refresh_from_db()
        self.assertEqual(self.note.body, "Tess's note on Cal")

    def test_operator_reaches_the_admin_but_staff_do_not(self):
        self.client.force_login(self.opal)
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)
        for role in ["tess", "ada", "cal"]:
            self.login_as(role)
            response = self.client.get(reverse("admin:index"))
            self.assertEqual(response.status_code, 302, role)

    def test_client_is_not_registered_in_the_admin(self):
        from django.contrib import admin

        self.assertFalse(admin.site.is_registered(Client))
        self.assertFalse(admin.site.is_registered(Note))
