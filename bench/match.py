"""match: latency of matching a person and of a directory search, at growing directory sizes.

One database grows through a ladder of sizes, 1,000, 10,000, 100,000 ... up to n generated
therapists, each step built by `manage.py demo --therapists N --quiet` in a child process
(idempotent: it only adds the missing ones). At every size two benchmarks are timed, each
over its own fixed, varied queries (a seeded generator: the same at every size and on every
database), one after the other so that each has its own peak-RSS window:

    match    services.find_matches(understand(text), wishes, place): the intake page's work.
             Varied state (the demo's 14 and a few where nobody practises), format either /
             telehealth / in_person with real ZIP codes of the states' cities and radius
             10/25/50, language en/es/any, insurance or not, a budget or not, sometimes
             specialties picked, and ~30 short help-seeking texts written for this bench.
    search   search.directory(DirectoryQuery(...)) as the /therapists/ view evaluates it,
             its first page through the view's own views.results_page (20 + 1 rows and
             their profiles, no COUNT). No filters, a state, a ZIP or
             city with a radius, format, specialty, IPT area, verified certification,
             insurance, language, budget, sort.

Each (bench, size) line has p50/p95/p99 and the worker's peak RSS during that bench's timed
pass, queries per operation and the share of time spent in SQL (over the first 30 queries
and the slowest, run again with their SQL captured), how often results were empty, the
p50 growth against the smallest size, p50/p95 per query shape, and the slowest queries with
their slowest SQL statement and its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
PostgreSQL). Match lines also carry understand()'s own p50 (the part that is not SQL).
Target: p95 <= 50 ms at 100,000 therapists for both. After each build the benchmark runs
VACUUM ANALYZE on PostgreSQL, as autovacuum would, and nothing on SQLite: the planner
statistics the demo command leaves there are what gets measured.
"""

import random
import time
from collections import defaultdict

from bench.common import (
    ROOT,
    Context,
    log,
    peak_rss_mb,
    reset_peak_rss,
    run_measured,
    summarize,
    tail,
)

LADDER = (1_000, 10_000, 100_000, 1_000_000)
TARGET_P95_MS = 50.0
TARGET_FROM_N = 100_000
PAGE_SIZE = 20  # as views.search
WARMUP = 20
SLOWEST = 3
# The code whose speed is measured (fingerprinted in every line, with the migrations).
CODE = [
    "iptcare/directory/search.py",
    "iptcare/directory/services.py",
    "iptcare/directory/matching.py",
    "iptcare/directory/models.py",
    "iptcare/directory/views.py",
    "iptcare/directory/concerns.py",
    "iptcare/directory/concern_lexicon.py",
    "iptcare/lib/geo.py",
]
PROFILE_SAMPLE = 30  # operations run again with their SQL captured

# States the demo generates therapists in, then a few where (almost) nobody practises.
DEMO_STATES = ["CA", "NY", "TX", "FL", "IL", "PA", "OH", "GA", "NC", "MI", "WA", "MA", "CO", "OR"]
OTHER_STATES = ["NJ", "AZ", "OK", "NV", "MN", "WY"]
CITIES = {
    "CA": ["Los Angeles", "San Francisco", "San Diego", "Fresno", "Sacramento", "Oakland"],
    "NY": ["New York", "Brooklyn", "Buffalo", "Rochester", "Albany"],
    "TX": ["Houston", "Dallas", "Austin", "San Antonio", "El Paso"],
    "FL": ["Miami", "Orlando", "Tampa", "Jacksonville", "Tallahassee"],
    "IL": ["Chicago", "Springfield", "Peoria"],
    "PA": ["Philadelphia", "Pittsburgh", "Harrisburg"],
    "OH": ["Columbus", "Cleveland", "Cincinnati"],
    "GA": ["Atlanta", "Savannah", "Macon"],
    "NC": ["Charlotte", "Raleigh", "Asheville"],
    "MI": ["Detroit", "Grand Rapids", "Lansing"],
    "WA": ["Seattle", "Spokane", "Tacoma"],
    "MA": ["Boston", "Worcester", "Springfield"],
    "CO": ["Denver", "Colorado Springs", "Boulder"],
    "OR": ["Portland", "Eugene", "Bend"],
    "NJ": ["Newark", "Trenton"],
    "AZ": ["Phoenix", "Tucson"],
    "OK": ["Tulsa", "Oklahoma City"],
    "NV": ["Las Vegas", "Reno"],
    "MN": ["Minneapolis"],
    "WY": ["Cheyenne"],
}

# Short help-seeking texts written for this benchmark (invented; not from any data set).
TEXTS = [
    "My dad died in March and most days I still can't get out of bed.",
    "Since we moved across the country for my husband's job I have no friends here and "
    "feel so alone.",
    "My partner and I fight about everything: money, chores, his mother. I'm exhausted.",
    "I lost my job after twelve years and I don't know who I am anymore.",
    "I'm 16 and my parents keep yelling at me about grades. Nobody gets me.",
    "Ever since the baby came I cry every day and I'm scared I'm a bad mom.",
    "I've never been good at making friends and lately I barely talk to anyone.",
    "My sister and I haven't spoken in a year after a fight about our mother's care.",
    "I retired last spring and the days feel empty and pointless.",
    "Panic attacks at work, my boss criticizes everything I do.",
    "I drink more than I should since the divorce.",
    "I can't sleep, I wake up at 3am worrying about everything.",
    "After my miscarriage I feel numb and my husband doesn't understand.",
    "I came out to my family and they stopped talking to me.",
    "My best friend passed away suddenly last month and I keep replaying our last talk.",
    "Feeling down for months, no energy, nothing is fun anymore.",
    "We're constantly arguing about how to raise our kids.",
    "I started college far from home and I'm really lonely and homesick.",
    "I was diagnosed with diabetes and I'm struggling with all the changes.",
    "My wife left and took the kids, and I'm angry all the time.",
    "I barely eat and I hate how I look, and it's getting worse.",
    "Caring for my mom with dementia is wearing me down and my brothers don't help.",
    "I feel worthless, like a burden to everyone around me.",
    "I'm pregnant with my second and I feel anxious and overwhelmed.",
    "Since the accident I have nightmares and don't want to leave the house.",
    "My teenager won't talk to me and we end up screaming at each other.",
    "Sometimes I think everyone would be better off without me.",
    "Not sure what's wrong, I just feel stuck.",
    "Mi mamá murió hace poco y no puedo dejar de llorar.",
    "grief",
    "Burnt out at work, snapping at my kids, can't focus on anything.",
    "",
]


# --- Queries -------------------------------------------------------------------------------


class Places:
    """Real ZIP codes of a few cities per state (the zipcodes package, as the app uses)."""

    def __init__(self):
        import zipcodes

        self.zips: dict[tuple[str, str], list[str]] = {}
        for state, cities in CITIES.items():
            for city in cities:
                found = [
                    row["zip_code"]
                    for row in zipcodes.filter_by(city=city, state=state, zip_code_type="STANDARD")
                    if row.get("lat") and row.get("long")
                ]
                if found:
                    self.zips[(state, city)] = found

    def zip_in(self, rng: random.Random, state: str):
        from iptcare.lib.geo import zip_place

        city = rng.choice([c for s, c in self.zips if s == state])
        return zip_place(rng.choice(self.zips[(state, city)]))

    def city_in(self, rng: random.Random, state: str):
        from iptcare.lib.geo import city_place

        return city_place(rng.choice(CITIES[state]), state)


def _state(rng: random.Random) -> str:
    return rng.choice(OTHER_STATES) if rng.random() < 0.12 else rng.choice(DEMO_STATES)


def match_queries(count: int, rng: random.Random, places: Places) -> list[dict]:
    """Keyword arguments for find_matches, as MatchForm would produce them, with a shape."""
    from iptcare.directory.matching import EITHER, IN_PERSON, TELEHEALTH, Wishes
    from iptcare.directory.vocabulary import INSURERS, keys

    insurers, specialties = list(INSURERS), keys("specialties")
    queries = []
    for i in range(count):
        state = _state(rng)
        fmt = rng.choices([EITHER, TELEHEALTH, IN_PERSON], [45, 35, 20])[0]
        wants_zip = {IN_PERSON: 1.0, EITHER: 0.7, TELEHEALTH: 0.3}[fmt]
        place = places.zip_in(rng, state) if rng.random() < wants_zip else None
        wishes = Wishes(
            state=state,
            format=fmt,
            radius_miles=rng.choice([10, 25, 50]),
            language=rng.choices(["en", "es", ""], [40, 20, 40])[0],
            insurance=rng.choice(insurers) if rng.random() < 0.4 else "",
            max_fee=rng.choice([80, 100, 120, 150, 200]) if rng.random() < 0.35 else None,
            preferences=tuple(rng.sample(specialties, rng.randint(1, 2)))
            if rng.random() < 0.15
            else (),
        )
        queries.append(
            {
                "text": TEXTS[i % len(TEXTS)],
                "wishes": wishes,
                "place": place,
                "shape": f"{fmt}{'+zip' if place else ''}",
            }
        )
    rng.shuffle(queries)
    return queries


def search_queries(count: int, rng: random.Random, places: Places) -> list[dict]:
    """DirectoryQuery objects as DirectorySearchForm would produce them, with a shape."""
    from iptcare.directory.matching import EITHER, IN_PERSON, TELEHEALTH
    from iptcare.directory.search import DirectoryQuery
    from iptcare.directory.vocabulary import INSURERS, keys

    insurers, specialties, areas = list(INSURERS), keys("specialties"), keys("ipt_areas")
    queries = []
    for _ in range(count):
        kind = rng.choices(["none", "state", "zip", "city"], [10, 30, 45, 15])[0]
        state, place = "", None
        if kind == "state":
            state = _state(rng)
        elif kind == "zip":
            place = places.zip_in(rng, _state(rng))
            state = place.state if rng.random() < 0.3 else ""  # the form keeps both
        elif kind == "city":
            state = _state(rng)
            place = places.city_in(rng, state)
        fmt = EITHER
        if kind != "none":
            fmt = rng.choices([EITHER, TELEHEALTH, IN_PERSON], [60, 20, 20])[0]
        # Not "distance" with telehealth: directory() orders by a `distance` it only
        # annotates for in-person searches (FieldError, a 500 on /therapists/).
        sorts = ["relevance", "fee"] + (["distance"] if place and fmt != TELEHEALTH else [])
        query = DirectoryQuery(
            place=place,
            radius_miles=rng.choice([10, 25, 50]),
            state=state,
            format=fmt,
            specialty=rng.choice(specialties) if rng.random() < 0.35 else "",
            area=rng.choice(areas) if rng.random() < 0.25 else "",
            verified_certification=rng.random() < 0.15,
            insurance=rng.choice(insurers) if rng.random() < 0.25 else "",
            language=rng.choices(["en", "es", "vi"], [50, 40, 10])[0]
            if rng.random() < 0.25
            else "",
            max_fee=rng.choice([100, 120, 150, 200]) if rng.random() < 0.2 else None,
            accepting_only=rng.random() < 0.9,
            sort=rng.choices(sorts, [60, 20, 20][: len(sorts)])[0],
        )
        queries.append({"query": query, "shape": f"{kind}/{fmt}"})
    return queries


def describe(q: dict) -> str:
    """One line a person can read: what was asked."""
    if "wishes" in q:
        w = q["wishes"]
        parts = [w.state, w.format]
        if q["place"]:
            parts.append(f"zip {q['place'].zip_code} r{w.radius_miles}")
        parts += [p for p in (w.language, w.insurance) if p]
        if w.max_fee is not None:
            parts.append(f"<=${w.max_fee}")
        if w.preferences:
            parts.append("+".join(w.preferences))
        return " ".join(parts) + f' "{q["text"][:40]}"'
    d = q["query"]
    parts = [d.format, d.sort]
    if d.state:
        parts.append(d.state)
    if d.place:
        parts.append(f"zip {d.place.zip_code} r{d.radius_miles}")
    parts += [p for p in (d.specialty, d.area, d.insurance, d.language) if p]
    if d.verified_certification:
        parts.append("certified")
    if d.max_fee is not None:
        parts.append(f"<=${d.max_fee}")
    if not d.accepting_only:
        parts.append("all")
    return " ".join(parts)


# --- Operations ----------------------------------------------------------------------------


def do_match(q: dict) -> int:
    from iptcare.directory.concerns import understand
    from iptcare.directory.services import find_matches

    return len(find_matches(understand(q["text"]), q["wishes"], q["place"]).matches)


def do_search(q: dict) -> int:
    """The first page as views.search reads it: PAGE_SIZE + 1 rows, no COUNT
    (views.results_page)."""
    from iptcare.directory import views
    from iptcare.directory.search import directory

    return len(views.results_page(directory(q["query"]), "1").object_list)


def search_mode() -> str:
    return "page+1, no count"


OPERATIONS = {"match": do_match, "search": do_search}


# --- Profiling -----------------------------------------------------------------------------


def plan_of(sql: str) -> str:
    """The plan of one captured statement: EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE."""
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except Exception as exc:  # noqa: BLE001 - a plan is a nicety; say why there is none
        return f"(no plan: {exc})"
    if connection.vendor == "sqlite":
        return " | ".join(str(row[-1]) for row in rows)
    return " | ".join(str(row[0]).strip() for row in rows)


def profile_queries(bench: str, queries: list[dict], indexes: list[int]) -> dict[int, dict]:
    """Some operations once more with their SQL captured: statements, times, the slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn = OPERATIONS[bench]
    out = {}
    for index in indexes:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn(queries[index])
            op_ms = (time.perf_counter() - start) * 1000
        statements = [(statement_ms(c), c["sql"]) for c in captured.captured_queries]
        out[index] = {"op_ms": op_ms, "statements": statements}
    return out


def statement_ms(captured: dict) -> float:
    """A captured statement's time with all its rows fetched. Django times execute() only,
    and SQLite's execute() returns at the first row: a scan that finds its rows later (a
    LIMIT over an index walk) would look free. So run the statement again, to the end."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute(captured["sql"])
            cursor.fetchall()
            return (time.perf_counter() - start) * 1000
    except Exception:  # noqa: BLE001 - fall back on Django's own timing
        return float(captured["time"]) * 1000


def slowest(
    queries: list[dict], samples_ns: list[int], results: list[int], profile: dict[int, dict]
) -> list[dict]:
    """The slowest operations of the timed pass, with their slowest SQL and its plan."""
    out = []
    for index in sorted(range(len(samples_ns)), key=lambda i: -samples_ns[i])[:SLOWEST]:
        statements = profile[index]["statements"]
        top_ms, top_sql = max(statements, default=(0.0, ""))
        out.append(
            {
                "query": describe(queries[index]),
                "ms": round(samples_ns[index] / 1e6, 2),
                "results": results[index],
                "queries": len(statements),
                "sql_ms": round(sum(t for t, _ in statements), 2),
                "slowest_sql_ms": round(top_ms, 2),
                "slowest_sql": top_sql[:600],
                "plan": plan_of(top_sql)[:1000] if top_sql else "",
            }
        )
    return out


def time_queries(bench: str, queries: list[dict]) -> tuple[list[int], list[int], float]:
    """Warm up, then time every query once: (nanoseconds, result counts, peak RSS MB)."""
    fn = OPERATIONS[bench]
    for q in queries[:WARMUP]:
        fn(q)
    reset_peak_rss()
    clock = time.perf_counter_ns
    samples, results = [], []
    for q in queries:
        start = clock()
        results.append(fn(q))
        samples.append(clock() - start)
    return samples, results, peak_rss_mb()


def understand_ms() -> float:
    """p50 of understand() alone over the texts: the part of a match that is not SQL."""
    from iptcare.directory.concerns import understand

    samples = []
    for _ in range(5):
        for text in TEXTS:
            start = time.perf_counter_ns()
            understand(text)
            samples.append(time.perf_counter_ns() - start)
    return summarize(samples)["p50_ms"]


def by_shape(queries: list[dict], samples_ns: list[int]) -> dict:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, sample in enumerate(samples_ns):
        groups[queries[i % len(queries)]["shape"]].append(sample)
    out = {}
    for shape, values in sorted(groups.items()):
        stats = summarize(values)
        out[shape] = {"count": len(values), "p50_ms": stats["p50_ms"], "p95_ms": stats["p95_ms"]}
    return out


# --- Building the directory ----------------------------------------------------------------


def build(ctx: Context, n: int) -> dict:
    """Grow the database to n generated therapists with the demo command (a child process)."""
    import sys

    from django.db import connection

    from iptcare.directory.models import Listing, TherapistProfile

    connection.close()  # the child writes to this database
    cmd = [sys.executable, str(ROOT / "manage.py"), "demo", "--therapists", str(n), "--quiet"]
    log_path = ctx.workdir / f"demo-{n}.log"
    wall, child_rss, code = run_measured(cmd, log_path=log_path)
    if code != 0:
        raise RuntimeError(f"`{' '.join(cmd[1:])}` exited {code}:\n{tail(log_path)}")
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    analyze_s = time.perf_counter() - start
    profiles = TherapistProfile.objects.count()
    listed_accepting = Listing.objects.filter(state="", accepting_new_clients=True).count()
    log(
        f"n={n:,}: demo {wall:.1f} s (peak RSS {child_rss} MB)"
        + (f", VACUUM ANALYZE {analyze_s:.1f} s" if analyze_s > 0.05 else "")
        + f"; {profiles:,} profiles, {listed_accepting:,} listed and accepting"
    )
    return {
        "build_s": round(wall, 2),
        "profiles": profiles,
        "listed_accepting": listed_accepting,
    }


def code_fingerprint() -> str:
    """A short hash of the code measured here, to tell results of different versions apart
    (and to notice the code changing under a running benchmark)."""
    import hashlib

    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.encode())
        digest.update((ROOT / path).read_bytes())
    for path in sorted((ROOT / "iptcare/directory/migrations").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def run(ctx: Context) -> None:
    code = code_fingerprint()
    sizes = [size for size in LADDER if size < ctx.n] + [ctx.n]
    count = max(ctx.iterations, 1)
    rng = random.Random(20261123)
    places = Places()
    queries = {
        "match": match_queries(count, rng, places),
        "search": search_queries(count, rng, places),
    }
    text_ms = understand_ms()
    log(
        f"sizes {', '.join(f'{s:,}' for s in sizes)}; {count} queries per bench and size; "
        f"understand() alone p50 {text_ms} ms"
    )
    first_p50: dict[str, tuple[int, float]] = {}
    for n in sizes:
        built = build(ctx, n)
        for bench, qs in queries.items():
            samples, results, rss = time_queries(bench, qs)
            stats = summarize(samples)
            slow = sorted(range(len(qs)), key=lambda i: -samples[i])[:SLOWEST]
            sample = sorted(set(range(min(PROFILE_SAMPLE, len(qs)))) | set(slow))
            profile = profile_queries(bench, qs, sample)
            counted = [len(profile[i]["statements"]) for i in sample]
            sql_ms = sum(t for i in sample for t, _ in profile[i]["statements"])
            op_ms = sum(profile[i]["op_ms"] for i in sample)
            base_n, base_p50 = first_p50.setdefault(bench, (n, stats["p50_ms"]))
            record = {
                "bench": bench,
                "n": n,
                **stats,
                "rss_mb": rss,
                "queries_per_op": round(sum(counted) / len(counted), 1),
                "max_queries_per_op": max(counted),
                "sql_share": round(sql_ms / op_ms, 2) if op_ms else None,
                "mean_results": round(sum(results) / len(results), 1),
                "empty_share": round(sum(1 for r in results if r == 0) / len(results), 3),
                "growth_from_n": base_n,
                "growth_n": round(n / base_n, 1),
                "growth_p50": round(stats["p50_ms"] / base_p50, 2) if base_p50 else None,
                **built,
                "by_shape": by_shape(qs, samples),
                "slowest": slowest(qs, samples, results, profile),
            }
            if bench == "match":
                record["understand_p50_ms"] = text_ms
            else:
                record["mode"] = search_mode()
            record["code"] = code
            if code_fingerprint() != code:
                record["code_changed"] = True
                log("WARNING: the directory code changed during this run; rerun to measure it")
            if n >= TARGET_FROM_N:
                record["target_p95_ms"] = TARGET_P95_MS
                record["meets_target"] = stats["p95_ms"] <= TARGET_P95_MS
            ctx.emit(record)
            log(
                f"{bench:<6} n={n:>9,}  p50 {stats['p50_ms']:7.2f} ms  p95 {stats['p95_ms']:7.2f} "
                f"ms  p99 {stats['p99_ms']:7.2f} ms  RSS {rss} MB  "
                f"{record['queries_per_op']} queries/op, {record['sql_share']:.0%} in SQL  "
                f"p50 x{record['growth_p50']} for {record['growth_n']:g}x size"
            )
            for worst in record["slowest"][:1]:
                log(
                    f"       slowest {worst['ms']} ms: {worst['query']} -- {worst['queries']} "
                    f"queries, slowest SQL {worst['slowest_sql_ms']} ms"
                )
