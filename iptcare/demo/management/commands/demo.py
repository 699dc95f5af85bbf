"""Build the synthetic demo practice: `manage.py demo [--therapists N]`.

Idempotent: a second run finds everything in place and changes nothing. Refuses to run
against a production configuration (DEBUG off outside the test suite).
"""

import random
from datetime import date
from io import StringIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from iptcare.accounts.models import Practice, Role, User
from iptcare.care import services
from iptcare.care.models import Client
from iptcare.demo import booking as demo_booking
from iptcare.demo import course as demo_course
from iptcare.demo import data
from iptcare.directory import services as directory_services
from iptcare.directory.models import (
    IptCredential,
    License,
    Listing,
    TherapistProfile,
    Verification,
    listing_rows,
)
from iptcare.directory.vocabulary import INSURERS, LANGUAGES, to_mask, vocabulary
from iptcare.lib.geo import state_mask

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
            demo_booking.add_demo_availability(self._demo_profiles())
            demo_course.add_demo_courses()
        if therapists:
            self._generate_therapists(therapists, practices["lakeside"])
            generated = TherapistProfile.objects.filter(
                user__email__endswith=f"@{GENERATED_DOMAIN}"
            )
            demo_booking.add_generated_availability(generated)
            # Fresh statistics, so the planner uses the directory's indexes at this size.
            call_command("analyze_database", stdout=StringIO())
        if not quiet:
            self._print_sign_ins()

    def _demo_profiles(self) -> list[TherapistProfile]:
        emails = [t["email"] for t in data.THERAPISTS]
        profiles = TherapistProfile.objects.filter(user__email__in=emails).select_related("user")
        by_email = {p.user.email: p for p in profiles}
        return [by_email[e] for e in emails if e in by_email]

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
        if TherapistProfile.objects.filter(user=user).exists():
            return
        profile = TherapistProfile(
            user=user,
            display_name=spec["name"],
            pronouns=spec["pronouns"],
            license_type=spec["license_type"],
            city=spec["city"],
            state=spec["state"],
            zip_code=spec["zip_code"],
            offers_in_person="in_person" in spec["session_formats"],
            offers_telehealth="telehealth" in spec["session_formats"],
            specialties=spec["specialties"],
            ipt_areas=spec["ipt_areas"],
            populations=spec["populations"],
            languages=spec["languages"],
            insurance=spec["insurance"],
            fee_usd=spec["fee_usd"],
            sliding_scale=spec["sliding_scale"],
            approach=spec["approach"],
            is_published=True,
            published_at=timezone.now(),
        )
        directory_services.prepare(profile)
        profile.save()
        for n, state in enumerate(spec["licensed_states"]):
            License.objects.create(
                profile=profile,
                state=state,
                number=f"DEMO-{state}-{n + 1:04d}",
                status=Verification.VERIFIED,
                verified_at=timezone.now(),
            )
        for kind in spec["ipt_training"]:
            IptCredential.objects.create(
                profile=profile,
                kind=kind,
                detail="Demo record",
                status=Verification.VERIFIED,
                verified_at=timezone.now(),
            )
        directory_services.refresh_training(profile)

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
        areas = list(vocab["ipt_areas"])
        languages = [k for k in LANGUAGES if k != "en"]
        insurers = list(INSURERS)
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
                        city, zip_code, lat, lon = self._place(rng, state)
                        profile = TherapistProfile(
                            user=user,
                            display_name=user.name,
                            license_type=rng.choice(license_types),
                            city=city,
                            state=state,
                            zip_code=zip_code,
                            latitude=lat,
                            longitude=lon,
                            offers_in_person=rng.random() < 0.6,
                            offers_telehealth=rng.random() < 0.85,
                            specialties=rng.sample(specialties, rng.randint(2, 5)),
                            ipt_areas=rng.sample(areas, rng.randint(1, 3)),
                            populations=["adults"],
                            languages=["en"]
                            + (rng.sample(languages, 1) if rng.random() < 0.3 else []),
                            insurance=rng.sample(insurers, rng.randint(0, 3)),
                            fee_usd=rng.randrange(80, 260, 10),
                            sliding_scale=rng.random() < 0.4,
                            accepting_new_clients=rng.random() < 0.8,
                            is_published=True,
                        )
                        profile.refresh_masks()
                        profile.slug = f"{slugify(user.name)}-{user.email[10:16]}"
                        kinds = rng.sample(trainings, rng.randint(1, 3))
                        profile.training_mask = to_mask("ipt_training", kinds)
                        profile.verified_training_mask = profile.training_mask
                        profile.is_certified = bool(
                            {"isipt_certified", "ipt_institute_certified"} & set(kinds)
                        )
                        states = sorted({state, rng.choice(data.STATES)})
                        profile.licensed_mask = state_mask(states)
                        profiles.append((profile, states, kinds))
                    TherapistProfile.objects.bulk_create([p for p, _, _ in profiles])
                    License.objects.bulk_create(
                        License(
                            profile=p,
                            state=st,
                            number=f"GEN-{p.user_id}-{st}",
                            status=Verification.VERIFIED,
                        )
                        for p, states, _ in profiles
                        for st in states
                    )
                    IptCredential.objects.bulk_create(
                        IptCredential(profile=p, kind=kind, status=Verification.VERIFIED)
                        for p, _, kinds in profiles
                        for kind in kinds
                    )
                    Listing.objects.bulk_create(
                        row for p, _, _ in profiles for row in listing_rows(p)
                    )
                bar.update(stop - start)
                reset_queries()  # DEBUG keeps every query's SQL; don't let it pile up

    _zips_by_state: dict[str, list[dict]] = {}

    def _place(self, rng: random.Random, state: str) -> tuple[str, str, float, float]:
        """A random real ZIP code of the state, so offices spread as people do."""
        if state not in self._zips_by_state:
            import zipcodes

            self._zips_by_state[state] = [
                z
                for z in zipcodes.filter_by(state=state, zip_code_type="STANDARD")
                if z.get("lat") and z.get("long")
            ]
        row = rng.choice(self._zips_by_state[state])
        return row["city"], row["zip_code"], float(row["lat"]), float(row["long"])

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
