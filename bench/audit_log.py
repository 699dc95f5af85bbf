"""audit_log: latency of the practice admin's audit log page (/practice/audit/).

Seeds n audit rows in one practice (bulk_create, spread over a year, ~50 rows per client
code), n/10 rows in a second practice, and 100 rows in a small third practice whose page
is the baseline. Pages are fetched with django.test.Client, signed in (force_login) as a
practice admin with TOTP, through the whole middleware stack. Cases, timed in
interleaved rounds:

    baseline_small   unfiltered page of the small practice (100 rows)
    unfiltered       first page, newest first: the (practice, -at) index
    filtered_record  ?record=<client code>: object_code OR client_code
    deep_page        ?page=P, the middle page (OFFSET ~n/2)

Each line also carries the query plan of the page's main query and whether the
audit_practice_at index appears in it. PostgreSQL gets VACUUM ANALYZE after seeding, as
autovacuum would give an insert-only table; SQLite gets no ANALYZE (Django never runs it).
"""

import random
import time
import uuid
from datetime import timedelta

from bench.common import (
    Context,
    count_queries,
    explain,
    log,
    peak_rss_mb,
    reset_peak_rss,
    summarize,
    time_interleaved,
)

BATCH = 5000
ROWS_PER_CLIENT = 50
SMALL = 100
INDEX = "audit_practice_at"


# (verb, action, object type, weight): the mix of audit rows seeded.
KINDS = [
    ("view", "care.client.viewed", "client", 60),
    ("view", "care.note.viewed", "note", 25),
    ("create", "care.note.created", "note", 8),
    ("change", "care.client.changed", "client", 5),
    ("export", "care.client.exported", "client", 2),
]


def _client_codes(count: int, rng: random.Random) -> list[str]:
    """Client codes for `count` audit rows, about ROWS_PER_CLIENT rows each."""
    return [
        str(uuid.UUID(int=rng.getrandbits(128), version=4))
        for _ in range(max(1, count // ROWS_PER_CLIENT))
    ]


def _batches(practice, actors, count: int, clients: list[str], rng: random.Random):
    """`count` AuditEvent objects for `practice` over the past year, oldest first."""
    from django.utils import timezone

    from iptcare.accounts.models import AuditEvent

    now = timezone.now()
    span = timedelta(days=365).total_seconds()
    weights = [kind[3] for kind in KINDS]
    for start in range(0, count, BATCH):
        batch = []
        for i in range(start, min(count, start + BATCH)):
            verb, action, object_type, _ = rng.choices(KINDS, weights)[0]
            actor = actors[i % len(actors)]
            client = rng.choice(clients)
            batch.append(
                AuditEvent(
                    at=now - timedelta(seconds=span * (count - i) / count),
                    actor=actor,
                    actor_email=actor.email,
                    actor_role=actor.role,
                    practice=practice,
                    verb=verb,
                    action=action,
                    object_type=object_type,
                    object_code=client if object_type == "client" else str(uuid.uuid4()),
                    client_code=client,
                    ip_address=f"10.{i % 7}.{i % 251}.{i % 253 + 1}",
                    view_name=f"care:{object_type}-detail",
                )
            )
        yield batch


def _practice_with_admin(name: str, email: str, therapists: int):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from iptcare.accounts.models import Practice, Role, User

    practice = Practice.objects.create(name=name, time_zone="America/Chicago")
    admin = User.objects.create_user(
        email, name=f"{name} admin", role=Role.PRACTICE_ADMIN, practice=practice
    )
    TOTP.activate(admin, generate_totp_secret())
    actors = [admin] + [
        User.objects.create_user(
            f"t{i}.{email}", name=f"Therapist {i}", role=Role.THERAPIST, practice=practice
        )
        for i in range(therapists)
    ]
    return practice, admin, actors


def _seed(n: int, rng: random.Random):
    from django.db import transaction

    from iptcare.accounts.models import AuditEvent

    seeded = {}
    for key, name, count, therapists in [
        ("big", "Bench practice", n, 20),
        ("other", "Other practice", n // 10, 5),
        ("small", "Small practice", SMALL, 3),
    ]:
        with transaction.atomic():
            practice, admin, actors = _practice_with_admin(
                name, f"admin@{key}.example.org", therapists
            )
        clients = _client_codes(count, rng)
        for batch in _batches(practice, actors, count, clients, rng):
            with transaction.atomic():
                AuditEvent.objects.bulk_create(batch)
        seeded[key] = (practice, admin, clients)
    return seeded


def run(ctx: Context) -> None:
    from django.db import connection
    from django.db.models import Q
    from django.test import Client as HttpClient
    from django.urls import reverse

    from iptcare.accounts.models import AuditEvent

    n = ctx.n
    rng = random.Random(20261123)
    log(f"seeding {n:,} audit rows (+{n // 10:,} in another practice, {SMALL} in a small one)")
    start = time.perf_counter()
    seeded = _seed(n, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    seed_s = round(time.perf_counter() - start, 2)
    log(f"seeded in {seed_s} s")

    practice, admin, clients = seeded["big"]
    small_practice, small_admin, _ = seeded["small"]
    record_code = clients[len(clients) // 2]
    url = reverse("practice:audit-log")
    pages = max(1, -(-n // 100))
    deep_page = max(1, pages // 2)

    def signed_in(user):
        client = HttpClient(HTTP_HOST="localhost")
        client.force_login(user)
        return client

    big, small = signed_in(admin), signed_in(small_admin)

    # Signing in is audited too, so count the rows afterwards.
    events = AuditEvent.objects.filter(practice=practice).select_related("actor")
    small_events = AuditEvent.objects.filter(practice=small_practice).select_related("actor")
    by_record = events.filter(Q(object_code=record_code) | Q(client_code=record_code))
    total, small_total, matched = events.count(), small_events.count(), by_record.count()
    specs = {
        # case: (http client, query, rows in the result, queryset of the page's main query)
        "baseline_small": (small, {}, small_total, small_events[:100]),
        "unfiltered": (big, {}, total, events[:100]),
        "filtered_record": (big, {"record": record_code}, matched, by_record[:100]),
        "deep_page": (
            big,
            {"page": deep_page},
            total,
            events[(deep_page - 1) * 100 : deep_page * 100],
        ),
    }

    def fetch(client, query, rows):
        response = client.get(url, query)
        if response.status_code != 200:
            raise AssertionError(f"{url} {query}: HTTP {response.status_code}")
        return response

    queries, plans, sizes = {}, {}, {}
    for name, (client, query, rows, queryset) in specs.items():
        response = fetch(client, query, rows)
        body = response.content.decode()
        if f"{rows} event" not in body:
            raise AssertionError(f"{name}: the page doesn't say '{rows} event(s)'")
        sizes[name] = len(response.content)
        queries[name] = count_queries(lambda c=client, q=query, r=rows: fetch(c, q, r))
        plans[name] = explain(queryset)

    cases = {
        name: (lambda i, c=client, q=query, r=rows: fetch(c, q, r))
        for name, (client, query, rows, _) in specs.items()
    }
    log(f"timing {ctx.iterations} interleaved rounds of {len(cases)} pages")
    reset_peak_rss()
    samples = time_interleaved(cases, ctx.iterations, warmup=min(5, ctx.iterations))
    rss = peak_rss_mb()

    base = summarize(samples["baseline_small"])
    for name, (_, query, rows, _) in specs.items():
        stats = summarize(samples[name])
        record = {
            "case": name,
            "n": SMALL if name == "baseline_small" else n,
            **stats,
            "rss_mb": rss,
            "queries_per_op": queries[name],
            "rows_matched": rows,
            "response_kb": round(sizes[name] / 1024, 1),
            "query": query,
            "index_used": INDEX in plans[name],
            "plan": plans[name][:500],
            "seed_s": seed_s,
        }
        if name != "baseline_small":
            record.update(
                baseline="baseline_small",
                baseline_p50_ms=base["p50_ms"],
                overhead_p50_ms=round(stats["p50_ms"] - base["p50_ms"], 3),
                ratio_p50=round(stats["p50_ms"] / base["p50_ms"], 2),
            )
        ctx.emit(record)
        log(
            f"{name:<16} p50 {stats['p50_ms']:.2f} ms  p95 {stats['p95_ms']:.2f} ms  "
            f"queries {queries[name]}  index {INDEX in plans[name]}  plan: {plans[name][:110]}"
        )
