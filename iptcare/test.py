"""BaseTestCase and its cast, as in healthchecks' hc/test.py.

Practice One: Tess (therapist, MFA), Cal (Tess's client, portal user), Otto (therapist who
must not see Cal; Cleo is his client), Ada (practice admin). Practice Two: Olga (therapist),
Oona (practice admin) and their client Dina. Opal is an operator (superuser).
"""

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import TestCase

from iptcare.accounts.models import AuditEvent, Practice, Role, User
from iptcare.care.models import Client, Note

PASSWORD = "correct horse battery staple"


def make_user(email: str, role: str = "", practice=None, *, mfa: bool = True, **fields) -> User:
    if role:
        user = User.objects.create_user(email, PASSWORD, role=role, practice=practice, **fields)
    else:
        user = User.objects.create_superuser(email, PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa and role != Role.CLIENT:
        secret = generate_totp_secret()
        user.totp_secret = secret  # type: ignore[attr-defined]  # the tests compute codes from it
        TOTP.activate(user, secret)
    return user


def make_client(practice: Practice, name: str, therapists=(), user=None, **fields) -> Client:
    client = Client.objects.create(practice=practice, name=name, user=user, **fields)
    client.therapists.set(therapists)
    return client


class BaseTestCase(TestCase):
    practice: Practice
    other_practice: Practice
    tess: User
    otto: User
    ada: User
    olga: User
    oona: User
    opal: User
    cal_user: User
    cleo_user: User
    dina_user: User
    cal: Client
    cleo: Client
    dina: Client
    note: Note
    dina_note: Note

    @classmethod
    def setUpTestData(cls):
        cls.practice = Practice.objects.create(name="Practice One")
        cls.other_practice = Practice.objects.create(name="Practice Two")

        cls.tess = make_user("tess@example.org", Role.THERAPIST, cls.practice, name="Tess")
        cls.otto = make_user("otto@example.org", Role.THERAPIST, cls.practice, name="Otto")
        cls.ada = make_user("ada@example.org", Role.PRACTICE_ADMIN, cls.practice, name="Ada")
        cls.cal_user = make_user("cal@example.org", Role.CLIENT, cls.practice, name="Cal")
        cls.cleo_user = make_user("cleo@example.org", Role.CLIENT, cls.practice, name="Cleo")
        cls.cal = make_client(
            cls.practice,
            "Cal",
            [cls.tess],
            cls.cal_user,
            presenting_concerns="Cal's concerns",
        )
        cls.cleo = make_client(cls.practice, "Cleo", [cls.otto], cls.cleo_user)
        cls.note = Note.objects.create(client=cls.cal, author=cls.tess, body="Tess's note on Cal")

        cls.olga = make_user("olga@example.org", Role.THERAPIST, cls.other_practice, name="Olga")
        cls.oona = make_user(
            "oona@example.org", Role.PRACTICE_ADMIN, cls.other_practice, name="Oona"
        )
        cls.dina_user = make_user("dina@example.org", Role.CLIENT, cls.other_practice)
        cls.dina = make_client(cls.other_practice, "Dina", [cls.olga], cls.dina_user)
        cls.dina_note = Note.objects.create(client=cls.dina, author=cls.olga, body="On Dina")

        cls.opal = make_user("opal@example.org", name="Opal")

    def audit_rows(self, **filters):
        return AuditEvent.objects.filter(**filters)
