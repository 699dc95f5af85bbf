#!/usr/bin/env python
"""Run iptcare's benchmarks (`make bench`): speed and memory, on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py                      # all, SQLite + PostgreSQL if reachable
    .venv/bin/python bench/run.py --only access --n 50000 --db sqlite
    .venv/bin/python bench/run.py --full               # 10x the data (demo: 100,000 therapists)

Every benchmark runs in its own worker process against its own throwaway database, made
from a freshly migrated template: for SQLite a copy of the template file in a temporary
IPTCARE_VAR_DIR; for PostgreSQL `CREATE DATABASE iptcare_bench_<pid>_<name> TEMPLATE ...`
on the server of BENCH_DATABASE_URL or DATABASE_URL (only its host, port and credentials
are used; the database it names is never touched) or, by default, postgres@127.0.0.1:5432.
Everything is dropped afterwards.

--db auto (default) runs SQLite, and PostgreSQL too when a server answers; --db
postgresql or --db both fail if none does.

Each measurement is one JSON line in bench/results/latest.jsonl (rewritten each run;
--append keeps older lines); a table is printed at the end.
"""

import argparse
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Import the benchmark modules as the `bench` package, not as top-level modules.
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path.pop(0)
sys.path.insert(0, str(ROOT))

from bench.common import RESULTS_DIR, RESULTS_FILE, Context  # noqa: E402

# name: (module, default n, n with --full, default iterations)
BENCHES = {
    "demo_scale": ("bench.demo_scale", 10_000, 100_000, 1),
    "access": ("bench.access", 10_000, 100_000, 1000),
    "audit_log": ("bench.audit_log", 100_000, 1_000_000, 100),
    # n is the largest of the sizes 1,000, 10,000, 100,000 ... n; iterations = queries.
    "match": ("bench.match", 100_000, 1_000_000, 200),
    # n = generated therapists; iterations = timed rounds of the slots cases.
    "booking": ("bench.booking", 200, 2_000, 500),
}
# Benchmarks whose worker writes lines under other names too (table order).
ALSO_EMITS = {"match": ("search",), "booking": ("slots",)}
WORKER_TIMEOUT = 3600
PG_DEFAULT = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": ""}


def say(msg: str = "") -> None:
    print(msg, flush=True)


# --- Databases -----------------------------------------------------------------------------


class SqliteDatabases:
    label = "sqlite"

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.template = tmp / "sqlite-template"

    def describe(self) -> str:
        return f"SQLite files under {self.tmp}"

    def template_env(self) -> dict:
        self.template.mkdir()
        return {"IPTCARE_VAR_DIR": str(self.template)}

    def fresh(self, name: str, workdir: Path) -> dict:
        for source in self.template.glob("iptcare.sqlite3*"):
            shutil.copy2(source, workdir / source.name)
        return {"IPTCARE_VAR_DIR": str(workdir)}

    def drop(self, name: str) -> None:
        pass

    def close(self) -> None:
        pass


class PostgresDatabases:
    label = "postgresql"

    def __init__(self, params: dict, maintenance_db: str):
        self.params = params
        self.maintenance_db = maintenance_db
        self.prefix = f"iptcare_bench_{os.getpid()}"
        self.created: list[str] = []

    def describe(self) -> str:
        p = self.params
        return f"PostgreSQL {p['user']}@{p['host']}:{p['port']}, databases {self.prefix}_*"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            dbname=self.maintenance_db, autocommit=True, connect_timeout=5, **self.params
        ) as conn:
            conn.execute(sql)

    def _url(self, dbname: str) -> str:
        p = self.params
        auth = quote(p["user"], safe="")
        if p["password"]:
            auth += ":" + quote(p["password"], safe="")
        return f"postgres://{auth}@{p['host']}:{p['port']}/{dbname}"

    def _create(self, dbname: str, template: str | None = None) -> str:
        self._admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{dbname}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(dbname)
        return self._url(dbname)

    def template_env(self) -> dict:
        return {"DATABASE_URL": self._create(f"{self.prefix}_template")}

    def fresh(self, name: str, workdir: Path) -> dict:
        url = self._create(f"{self.prefix}_{name}", template=f"{self.prefix}_template")
        return {"DATABASE_URL": url, "IPTCARE_VAR_DIR": str(workdir)}

    def drop(self, name: str) -> None:
        self._drop(f"{self.prefix}_{name}")

    def _drop(self, dbname: str) -> None:
        if dbname in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            self.created.remove(dbname)

    def close(self) -> None:
        for dbname in list(self.created):
            try:
                self._drop(dbname)
            except Exception as exc:  # noqa: BLE001 - report and go on cleaning up
                say(f"could not drop {dbname}: {exc}")


def find_postgres() -> tuple[dict | None, str, bool, str]:
    """(connection params or None, maintenance db, explicitly asked for, note)."""
    import dj_database_url

    url, cfg = os.environ.get("BENCH_DATABASE_URL"), None
    if url:
        cfg = dj_database_url.parse(url)
        if cfg["ENGINE"] != "django.db.backends.postgresql":
            return None, "", True, "BENCH_DATABASE_URL is not a PostgreSQL URL"
    elif os.environ.get("DATABASE_URL"):
        # A SQLite DATABASE_URL says nothing about PostgreSQL: fall back to the default.
        cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
        if cfg["ENGINE"] != "django.db.backends.postgresql":
            cfg = None
    explicit = cfg is not None
    names = ["postgres"]
    if cfg:
        params = {
            "host": cfg.get("HOST") or PG_DEFAULT["host"],
            "port": int(cfg.get("PORT") or 5432),
            "user": cfg.get("USER") or PG_DEFAULT["user"],
            "password": cfg.get("PASSWORD") or "",
        }
        if cfg.get("NAME"):
            names.append(cfg["NAME"])
    else:
        params = dict(PG_DEFAULT)
    import psycopg

    error = ""
    for name in names:
        try:
            with psycopg.connect(dbname=name, connect_timeout=2, **params):
                return params, name, explicit, ""
        except psycopg.Error as exc:
            error = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
    return None, "", explicit, f"PostgreSQL at {params['host']}:{params['port']}: {error}"


# --- Running -------------------------------------------------------------------------------


def base_env() -> dict:
    env = dict(os.environ)
    for key in ("DATABASE_URL", "BENCH_DATABASE_URL", "REDIS_URL", "IPTCARE_VAR_DIR"):
        env.pop(key, None)
    env.update(DEBUG="true", DJANGO_SETTINGS_MODULE="iptcare.settings", PYTHONUNBUFFERED="1")
    return env


def migrate(env: dict, log_path: Path) -> float:
    start = time.perf_counter()
    with log_path.open("wb") as out:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=600,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{log_path.read_text(errors='replace')[-3000:]}")
    return time.perf_counter() - start


def run_benchmarks(args, names: list[str], databases, tmp: Path, run_id: str) -> list[str]:
    failures = []
    template_env = {**base_env(), **databases.template_env()}
    seconds = migrate(template_env, tmp / f"migrate-{databases.label}.log")
    say(f"[{databases.label}] migrated the template database in {seconds:.1f} s")
    for name in names:
        module, n_default, n_full, it_default = BENCHES[name]
        n = args.n or (n_full if args.full else n_default)
        iterations = args.iterations or it_default
        workdir = tmp / f"{databases.label}-{name}"
        workdir.mkdir()
        env = {**base_env(), **databases.fresh(name, workdir)}
        say(f"[{databases.label}] {name}: n={n:,}")
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            name,
            "--worker-db",
            databases.label,
            "--n",
            str(n),
            "--iterations",
            str(iterations),
            "--run-id",
            run_id,
            "--workdir",
            str(workdir),
            "--results",
            str(args.results),
        ]
        start = time.perf_counter()
        try:
            code = subprocess.run(
                cmd, cwd=ROOT, env=env, timeout=WORKER_TIMEOUT, check=False
            ).returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
        finally:
            databases.drop(name)
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        say(
            f"[{databases.label}] {name}: done in {time.perf_counter() - start:.1f} s"
            + ("" if code == 0 else f" -- FAILED ({code})")
        )
        if code != 0:
            failures.append(f"{name} on {databases.label}")
    return failures


def worker(args) -> int:
    from bench.common import setup_django

    setup_django()
    module = importlib.import_module(BENCHES[args.worker][0])
    ctx = Context(
        name=args.worker,
        db=args.worker_db,
        n=args.n,
        iterations=args.iterations,
        run_id=args.run_id,
        results=Path(args.results),
        workdir=Path(args.workdir),
    )
    try:
        module.run(ctx)
    except Exception:
        traceback.print_exc()
        return 1
    return 0


# --- Report --------------------------------------------------------------------------------


def _ms(value) -> str:
    return "" if value is None else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _row(r: dict) -> list[str]:
    vs = ""
    notes = []
    if "p50_ms" in r:
        if r.get("baseline"):
            vs = f"{r['overhead_p50_ms']:+.2f} ms ({r['ratio_p50']:.1f}x)"
        if r.get("queries_per_op") is not None:
            notes.append(f"{r['queries_per_op']:g} queries")
        if "growth_p50" in r and r["n"] != r.get("growth_from_n"):
            notes.append(
                f"p50 x{r['growth_p50']:.1f} for {r['growth_n']:g}x size "
                f"(vs n={r['growth_from_n']:,})"
            )
        if "empty_share" in r:
            notes.append(f"{r['empty_share']:.0%} empty")
        if "target_p95_ms" in r:
            met = r["p95_ms"] <= r["target_p95_ms"]
            notes.append(f"target p95 <= {r['target_p95_ms']:g} ms {'met' if met else 'MISSED'}")
        if "index_used" in r:
            notes.append(f"{r['rows_matched']:,} rows")
            notes.append("practice_at index" if r["index_used"] else "no practice_at index")
    if "bookings_per_s" in r:
        notes.append(f"{r['bookings_per_s']:,.0f} bookings/s")
        notes.append(f"{r['succeeded']:,} booked, {r['taken']:,} taken")
        if r.get("refused") or r.get("errors"):
            notes.append(f"{r['refused']} refused, {r['errors']} errors")
        notes.append(f"{r['double_bookings']} double bookings")
        met = r.get("meets_target")
        notes.append(f"target >= {r['target_bookings_per_s']:g}/s {'met' if met else 'MISSED'}")
    if "wall_s" in r:
        notes.append(f"wall {r['wall_s']:.2f} s")
        if r.get("rows_per_s"):
            notes.append(f"{r['rows_per_s']:,} rows/s")
        if r.get("net_rows_per_s"):
            notes.append(f"net {r['net_rows_per_s']:,} rows/s")
            vs = f"net {r['net_s']:.2f} s, RSS {r['rss_over_baseline_mb']:+.0f} MB"
        if "idempotent" in r:
            notes.append("idempotent" if r["idempotent"] else "NOT IDEMPOTENT")
    return [
        r["bench"],
        r.get("case", ""),
        r["db"],
        f"{r.get('n', 0):,}",
        str(r.get("iterations", "")),
        _ms(r.get("p50_ms")),
        _ms(r.get("p95_ms")),
        _ms(r.get("p99_ms")),
        vs,
        f"{r['rss_mb']:.0f}" if "rss_mb" in r else "",
        ", ".join(notes),
    ]


def report(path: Path, run_id: str) -> None:
    rows = []
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record.get("run_id") == run_id:
                rows.append(record)
    if not rows:
        say("No results.")
        return
    order: dict[str, float] = {name: i for i, name in enumerate(BENCHES)}
    for name, others in ALSO_EMITS.items():
        for j, other in enumerate(others, 1):
            order[other] = order[name] + j / (len(others) + 1)
    first_seen: dict = {}
    for i, r in enumerate(rows):
        first_seen.setdefault((r["bench"], r.get("case")), i)
    rows.sort(
        key=lambda r: (
            order.get(r["bench"], 99),
            first_seen[(r["bench"], r.get("case"))],
            r["db"] != "sqlite",
        )
    )
    header = [
        "bench",
        "case",
        "db",
        "n",
        "iters",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "vs baseline (p50)",
        "RSS MB",
        "notes",
    ]
    table = [header] + [_row(r) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    right = {3, 4, 5, 6, 7, 9}

    def fmt(row):
        return "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()

    say()
    say(fmt(header))
    say("  ".join("-" * w for w in widths))
    previous = None
    for r, row in zip(rows, table[1:], strict=True):
        if previous is not None and r["bench"] != previous:
            say()
        previous = r["bench"]
        say(fmt(row))
    say()
    say("RSS MB: peak resident memory of the measured child process (demo_scale) or of the")
    say("worker during the timed loop (latency benchmarks). vs baseline: the same run's")
    say("baseline case (baseline_get, baseline_small, rerun_noop). match/search: p50 x: growth")
    say("of p50 from the smallest size, next to the growth of the directory (size); 'empty':")
    say("share of queries with no result. Slowest queries and their plans: the JSON lines.")
    busiest = max(rows, key=lambda r: r.get("load1", 0))
    if busiest.get("load1", 0) > (busiest.get("cpus") or 1):
        say(
            f"Note: the load average reached {busiest['load1']} on {busiest['cpus']} CPUs "
            "during this run; other work on the machine inflates the tail latencies."
        )
    say(f"Results: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


# --- Main ----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these benchmarks ({', '.join(BENCHES)}); repeatable or comma-separated",
    )
    parser.add_argument("--n", type=int, help="data size for every selected benchmark")
    parser.add_argument("--iterations", type=int, help="timed rounds per latency benchmark")
    parser.add_argument(
        "--full", action="store_true", help="10x the default data (demo_scale: 100,000 therapists)"
    )
    parser.add_argument("--db", choices=["auto", "sqlite", "postgresql", "both"], default="auto")
    parser.add_argument(
        "--append",
        action="store_true",
        help="append to bench/results/latest.jsonl instead of starting it anew",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--results", default=str(RESULTS_FILE), help=argparse.SUPPRESS)
    # Internal: run one benchmark in this process (started by the orchestrator).
    parser.add_argument("--worker", choices=list(BENCHES), help=argparse.SUPPRESS)
    parser.add_argument("--worker-db", help=argparse.SUPPRESS)
    parser.add_argument("--run-id", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)

    names = list(BENCHES)
    if args.only:
        names = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
        unknown = [n for n in names if n not in BENCHES]
        if unknown:
            say(f"Unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
            return 2
    if args.n is not None and args.n < 1:
        say("--n must be positive")
        return 2

    databases_wanted = []
    if args.db in ("auto", "sqlite", "both"):
        databases_wanted.append("sqlite")
    pg = None
    if args.db in ("auto", "postgresql", "both"):
        params, maintenance_db, explicit, note = find_postgres()
        if params:
            pg = (params, maintenance_db)
            databases_wanted.append("postgresql")
        elif args.db != "auto" or explicit:
            say(f"PostgreSQL was asked for but is not reachable: {note}")
            return 2
        else:
            say(f"Skipping PostgreSQL ({note or 'not reachable'}).")

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    args.results = Path(args.results).resolve()
    if not args.append:
        args.results.write_text("")
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    tmp = Path(tempfile.mkdtemp(prefix="iptcare-bench-"))
    failures: list[str] = []
    start = time.perf_counter()
    say(f"iptcare benchmarks {', '.join(names)} on {' and '.join(databases_wanted)} (run {run_id})")
    try:
        for label in databases_wanted:
            databases = SqliteDatabases(tmp) if label == "sqlite" else PostgresDatabases(*pg)
            say(f"[{label}] {databases.describe()}")
            try:
                failures += run_benchmarks(args, names, databases, tmp, run_id)
            except Exception as exc:  # noqa: BLE001 - one database failing doesn't stop the other
                traceback.print_exc()
                failures.append(f"{label}: {exc}")
            finally:
                databases.close()
    finally:
        if args.keep:
            say(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report(args.results, run_id)
    say(f"Total {time.perf_counter() - start:.0f} s.")
    if failures:
        say("FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
