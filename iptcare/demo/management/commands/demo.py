"""Build the synthetic demo practice: `manage.py demo [--therapists N]`.

Idempotent: a second run finds everything in place and changes nothing. Refuses to run
against a production configuration (DEBUG off outside the test suite).
"""

import random
from datetime import date

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction
from tqdm import tqdm

from iptcare.accounts.models import Practice, Role, User
from iptcare.care import services
from iptcare.care.models import Client
from iptcare.demo import data
from iptcare.directory.models import TherapistProfile
from iptcare.directory.vocabulary import vocabulary

GENERATED_DOMAIN = "generated.example.org"
BATCH = 2000


class Command(BaseCommand):
    help = "Create the synthetic demo practices and print how to sign in as each role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--therapists",
            type=int,
            default=0,
            metavar="N",
            help="Also make sure N generated therapists with profiles exist (for benchmarks).",
        )
        parser.add_argument("--quiet", action="store_true", help="Don't print the sign-ins.")

    def handle(self, *args, therapists: int, quiet: bool, **options):
        if not (settings.DEBUG or settings.TESTING):
            raise CommandError(
                "The demo refuses to run against a production configuration (DEBUG is off). "
                "Run it with DEBUG=true on a development database."
            )
        if therapists < 0 or therapists > 1_000_000:
            raise CommandError("--therapists must be between 0 and 1,000,000")
        with transaction.atomic():
            practices = {p["key"]: self._practice(p) for p in data.PRACTICES}
            for admin in data.ADMINS:
                self._staff(admin, practices, Role.PRACTICE_ADMIN)
            for therapist in data.THERAPISTS:
                user = self._staff(therapist, practices, Role.THERAPIST)
                self._profile(user, therapist)
            for client in data.CLIENTS:
                self._client(client, practices)
        if therapists:
            self._generate_therapists(therapists, practices["lakeside"])
        if not quiet:
            self._print_sign_ins()

    def _practice(self, spec: dict) -> Practice:
        practice, _ = Practice.objects.get_or_create(
            name=spec["name"], defaults={"time_zone": spec["time_zone"]}
        )
        return practice

    def _user(self, email: str, name: str, role: str, practice: Practice) -> tuple[User, bool]:
        existing = User.objects.filter(email=email).first()
        if existing is not None:
            return existing, False
        user = User.objects.create_user(
            email,
            data.PASSWORD,
            name=name,
            role=role,
            practice=practice,
            time_zone=practice.time_zone,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user, True

    def _staff(self, spec: dict, practices: dict, role: str) -> User:
        user, _ = self._user(spec["email"], spec["name"], role, practices[spec["practice"]])
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        if not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists():
            RecoveryCodes.activate(user)
        return user

    def _profile(self, user: User, spec: dict) -> None:
        fields = [f.name for f in TherapistProfile._meta.fields]
        values = {k: v for k, v in spec.items() if k in fields}
        TherapistProfile.objects.get_or_create(
            user=user,
            defaults={**values, "display_name": spec["name"], "is_published": True},
        )

    def _client(self, spec: dict, practices: dict) -> None:
        practice = practices[spec["practice"]]
        if Client.objects.filter(practice=practice, name=spec["name"]).exists():
            return
        therapists = list(User.objects.filter(email__in=spec["therapists"]))
        fields = {
            "name": spec["name"],
            "email": spec["email"],
            "state": spec["state"],
            "date_of_birth": date.fromisoformat(spec["date_of_birth"]),
            "presenting_concerns": spec["presenting_concerns"],
        }
        client = services.create_client(None, therapists[0], fields, therapists)
        if spec["portal"]:
            user, _ = self._user(spec["email"], spec["name"], Role.CLIENT, practice)
            client.user = user
            client.save(update_fields=["user"])
        for body in spec["notes"]:
            services.add_note(None, therapists[0], client, body)

    def _generate_therapists(self, total: int, practice: Practice) -> None:
        existing = User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}").count()
        if existing >= total:
            return
        vocab = vocabulary()
        rng = random.Random(20261121 + existing)  # noqa: S311 - repeatable demo data
        specialties = list(vocab["specialties"])
        trainings = list(vocab["ipt_training"])
        license_types = list(vocab["license_types"])
        unusable = make_password(None)
        with tqdm(
            total=total,
            initial=existing,
            desc="Therapists",
            unit="",
            disable=self.stdout.isatty() is False and total - existing < BATCH,
        ) as bar:
            for start in range(existing, total, BATCH):
                stop = min(start + BATCH, total)
                users = []
                for i in range(start, stop):
                    given = data.GIVEN_NAMES[i % len(data.GIVEN_NAMES)]
                    family = data.FAMILY_NAMES[
                        (i // len(data.GIVEN_NAMES)) % len(data.FAMILY_NAMES)
                    ]
                    users.append(
                        User(
                            email=f"therapist-{i + 1:06d}@{GENERATED_DOMAIN}",
                            name=f"{given} {family}",
                            role=Role.THERAPIST,
                            practice=practice,
                            password=unusable,
                        )
                    )
                with transaction.atomic():
                    User.objects.bulk_create(users)
                    created = User.objects.filter(email__in=[u.email for u in users])
                    profiles = []
                    for user in created:
                        state = rng.choice(data.STATES)
                        city, zip_code = data.CITIES[state]
                        profiles.append(
                            TherapistProfile(
                                user=user,
                                display_name=user.name,
                                license_type=rng.choice(license_types),
                                licensed_states=sorted({state, rng.choice(data.STATES)}),
                                city=city,
                                state=state,
                                zip_code=zip_code,
                                session_formats=rng.choice(
                                    [["telehealth"], ["in_person"], ["in_person", "telehealth"]]
                                ),
                                ipt_training=rng.sample(trainings, rng.randint(1, 3)),
                                specialties=rng.sample(specialties, rng.randint(2, 5)),
                                populations=["adults"],
                                languages=["en"],
                                fee_usd=rng.randrange(80, 260, 10),
                                sliding_scale=rng.random() < 0.4,
                                accepting_new_clients=rng.random() < 0.8,
                                is_published=True,
                            )
                        )
                    TherapistProfile.objects.bulk_create(profiles)
                bar.update(stop - start)
                reset_queries()  # DEBUG keeps every query's SQL; don't let it pile up

    def _print_sign_ins(self) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo sign-ins (synthetic data only)"))
        out.write(f"Open {settings.SITE_URL}/accounts/login/ ; every password is {data.PASSWORD}")
        out.write(
            "Staff are asked for a two-factor code: type the recovery code shown (each "
            "works once; this list shows an unused one every time), or add the TOTP "
            "secret to an authenticator app."
        )
        emails = [p["email"] for p in data.ADMINS + data.THERAPISTS[:1] + data.THERAPISTS[-1:]]
        emails += [c["email"] for c in data.CLIENTS if c["portal"]]
        users = {
            u.email: u for u in User.objects.filter(email__in=emails).select_related("practice")
        }
        for user in (users[email] for email in emails if email in users):
            line = f"  {user.get_role_display():<15} {user.email:<30} {user.practice}"
            totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            codes = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.RECOVERY_CODES
            ).first()
            if totp and codes:
                unused = RecoveryCodes(codes).get_unused_codes()
                secret = decrypt(totp.data["secret"])
                line += f"\n  {'':<15} recovery code {unused[0] if unused else '(all used)'}"
                line += f"   TOTP secret {secret}"
            out.write(line)
        out.write("")
