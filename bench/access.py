"""access: latency of `access_client(request, code)` with n clients in the practice.

Seeds one practice with n clients (bulk_create), n/50 therapists with a caseload of 50
each, a practice admin, and a second practice with n/10 clients. The therapist and the
admin being measured have TOTP, as `require_clinical_staff` demands. Cases, timed in
interleaved rounds:

    baseline_get     Client.objects.get(code=...)          no permission check, no audit
    therapist_hit    access_client, a client in the caseload (permission check + audit row)
    therapist_404    access_client, a practice client outside the caseload (Http404)
    admin_hit        access_client as the practice admin (no caseload join)
"""

import random
import time

from bench.common import (
    Context,
    count_queries,
    log,
    peak_rss_mb,
    reset_peak_rss,
    summarize,
    time_interleaved,
)

CASELOAD = 50
BATCH = 2000


def _seed(n: int, rng: random.Random):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from iptcare.accounts.models import Practice, Role, User
    from iptcare.care.models import Client

    unusable = make_password(None)
    Through = Client.therapists.through
    with transaction.atomic():
        practice = Practice.objects.create(name="Bench practice")
        other = Practice.objects.create(name="Other practice")
        admin = User.objects.create_user(
            "admin@bench.example.org",
            name="Bench Admin",
            role=Role.PRACTICE_ADMIN,
            practice=practice,
        )
        therapists = User.objects.bulk_create(
            [
                User(
                    email=f"therapist-{i:06d}@bench.example.org",
                    name=f"Therapist {i}",
                    role=Role.THERAPIST,
                    practice=practice,
                    password=unusable,
                )
                for i in range(max(1, n // CASELOAD))
            ],
            batch_size=BATCH,
        )
        other_therapist = User.objects.create_user(
            "therapist@other.example.org", role=Role.THERAPIST, practice=other
        )
        clients = []
        for start in range(0, n, BATCH):
            batch = Client.objects.bulk_create(
                [
                    Client(
                        practice=practice,
                        name=f"Client {i:07d}",
                        email=f"client-{i:07d}@bench.example.org",
                        presenting_concerns="Low mood since a move; conflict at work.",
                    )
                    for i in range(start, min(n, start + BATCH))
                ]
            )
            Through.objects.bulk_create(
                [
                    Through(
                        client_id=c.pk,
                        user_id=therapists[(start + j) // CASELOAD % len(therapists)].pk,
                    )
                    for j, c in enumerate(batch)
                ]
            )
            clients.extend((c.pk, c.code) for c in batch)
        for start in range(0, n // 10, BATCH):
            batch = Client.objects.bulk_create(
                [
                    Client(practice=other, name=f"Other {i:07d}")
                    for i in range(start, min(n // 10, start + BATCH))
                ]
            )
            Through.objects.bulk_create(
                [Through(client_id=c.pk, user_id=other_therapist.pk) for c in batch]
            )
        # The therapist in the middle of the list; caseload = that slice of clients.
        index = len(therapists) // 2
        therapist = therapists[index]
        for user in (therapist, admin):
            TOTP.activate(user, generate_totp_secret())
    caseload = set(Client.objects.filter(therapists=therapist).values_list("code", flat=True))
    outside = [code for _, code in clients if code not in caseload]
    return therapist, admin, sorted(caseload), outside


def run(ctx: Context) -> None:
    from django.db import connection
    from django.http import Http404
    from django.test import RequestFactory

    from iptcare.accounts.models import AuditEvent, User
    from iptcare.care.access import access_client
    from iptcare.care.models import Client

    n = ctx.n
    if n < 2 * CASELOAD:
        raise ValueError(f"access needs n >= {2 * CASELOAD} (two caseloads of {CASELOAD})")
    rng = random.Random(20261122)
    log(f"seeding {n:,} clients ({n // CASELOAD:,} therapists x {CASELOAD})")
    start = time.perf_counter()
    therapist, admin, caseload, outside = _seed(n, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    seed_s = round(time.perf_counter() - start, 2)
    log(f"seeded in {seed_s} s; caseload {len(caseload)}")

    # Fresh user objects, as a request would load them.
    therapist = User.objects.get(pk=therapist.pk)
    admin = User.objects.get(pk=admin.pk)
    factory = RequestFactory()

    def request_for(user):
        request = factory.get("/app/clients/")
        request.user = user
        request.resolver_match = None
        return request

    t_request, a_request = request_for(therapist), request_for(admin)
    miss_codes = rng.sample(outside, min(len(outside), 1000)) or caseload
    admin_codes = rng.sample(outside, min(len(outside), 1000)) or caseload

    def baseline_get(i):
        return Client.objects.get(code=caseload[i % len(caseload)])

    def therapist_hit(i):
        return access_client(t_request, caseload[i % len(caseload)])

    def therapist_404(i):
        try:
            access_client(t_request, miss_codes[i % len(miss_codes)])
        except Http404:
            return None
        raise AssertionError("a client outside the caseload was returned")

    def admin_hit(i):
        return access_client(a_request, admin_codes[i % len(admin_codes)])

    cases = {
        "baseline_get": baseline_get,
        "therapist_hit": therapist_hit,
        "therapist_404": therapist_404,
        "admin_hit": admin_hit,
    }
    queries = {name: count_queries(lambda fn=fn: fn(0)) for name, fn in cases.items()}
    audit_before = AuditEvent.objects.count()
    log(f"timing {ctx.iterations} interleaved rounds of {len(cases)} cases")
    reset_peak_rss()
    samples = time_interleaved(cases, ctx.iterations, warmup=min(50, ctx.iterations))
    rss = peak_rss_mb()
    audit_rows = AuditEvent.objects.count() - audit_before
    expected = (ctx.iterations + min(50, ctx.iterations)) * 2
    if audit_rows != expected:
        raise AssertionError(f"expected {expected} audit rows, found {audit_rows}")

    base = summarize(samples["baseline_get"])
    for name in cases:
        stats = summarize(samples[name])
        record = {
            "case": name,
            **stats,
            "rss_mb": rss,
            "queries_per_op": queries[name],
            "caseload": len(caseload),
            "seed_s": seed_s,
        }
        if name != "baseline_get":
            record.update(
                baseline="baseline_get",
                baseline_p50_ms=base["p50_ms"],
                overhead_p50_ms=round(stats["p50_ms"] - base["p50_ms"], 3),
                ratio_p50=round(stats["p50_ms"] / base["p50_ms"], 2),
            )
        ctx.emit(record)
        log(
            f"{name:<14} p50 {stats['p50_ms']:.3f} ms  p95 {stats['p95_ms']:.3f} ms  "
            f"p99 {stats['p99_ms']:.3f} ms  queries {queries[name]}"
        )
