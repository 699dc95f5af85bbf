"""Helpers shared by the benchmarks: timing, percentiles, memory, result lines.

Every benchmark module runs in its own worker process (started by bench/run.py) against
its own freshly migrated throwaway database, and exposes `run(ctx: Context)`.
"""

import gc
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
RESULTS_FILE = RESULTS_DIR / "latest.jsonl"


@dataclass
class Context:
    """What a worker is asked to measure (passed on the worker's command line)."""

    name: str
    db: str  # "sqlite" or "postgresql"
    n: int
    iterations: int
    run_id: str
    results: Path
    workdir: Path
    extra: dict = field(default_factory=dict)

    def emit(self, record: dict) -> dict:
        """Append one measurement line to the results file and echo it briefly."""
        line = {"bench": self.name, "db": self.db, **record}
        line.setdefault("n", self.n)
        line["run_id"] = self.run_id
        line["at"] = datetime.now(UTC).isoformat(timespec="seconds")
        # Other work on the machine skews latencies: record how busy it was.
        line["load1"] = round(os.getloadavg()[0], 2)
        line["cpus"] = os.cpu_count()
        with self.results.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, sort_keys=False) + "\n")
        return line


def log(msg: str) -> None:
    print(f"  {msg}", flush=True)


# --- Latency -------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile of already sorted values (p in 0..100)."""
    if not sorted_values:
        return float("nan")
    if len(sorted_values) == 1:
        return float(sorted_values[0])
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summarize(samples_ns: Sequence[int]) -> dict:
    values = sorted(s / 1e6 for s in samples_ns)
    return {
        "iterations": len(values),
        "p50_ms": round(percentile(values, 50), 3),
        "p95_ms": round(percentile(values, 95), 3),
        "p99_ms": round(percentile(values, 99), 3),
        "mean_ms": round(sum(values) / len(values), 3),
        "min_ms": round(values[0], 3),
        "max_ms": round(values[-1], 3),
    }


def time_interleaved(
    cases: dict[str, Callable[[int], object]], iterations: int, warmup: int
) -> dict[str, list[int]]:
    """Time every case once per round, round after round, so that drift (a growing table,
    a WAL checkpoint, another process) hits every case alike. Returns nanoseconds."""
    samples: dict[str, list[int]] = {name: [] for name in cases}
    for i in range(warmup):
        for fn in cases.values():
            fn(i)
    clock = time.perf_counter_ns
    for i in range(iterations):
        for name, fn in cases.items():
            start = clock()
            fn(i)
            samples[name].append(clock() - start)
    return samples


# --- Memory --------------------------------------------------------------------------------


def _status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM)."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """Peak RSS of this process since the last reset_peak_rss() (or since it started)."""
    kb = _status_kb("VmHWM")
    if kb is None:
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


def rss_mb() -> float:
    kb = _status_kb("VmRSS")
    return round((kb or 0) / 1024, 1)


def run_measured(cmd: list[str], *, log_path: Path, cwd: Path = ROOT, env=None, timeout=3600):
    """Run a child process; return (wall seconds, its own peak RSS in MB, exit code).

    os.wait4 gives the child's own rusage; RUSAGE_CHILDREN would report the largest of all
    children waited for so far.
    """
    with log_path.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, round(usage.ru_maxrss / 1024, 1), proc.returncode


def tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace").replace("\r", "\n")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# --- Django --------------------------------------------------------------------------------


def setup_django() -> None:
    """Set Django up for a worker, then switch DEBUG off for the measurement.

    The workers start with DEBUG=true (settings only accept the built-in development keys
    then) but with DEBUG on every query is recorded and templates carry debug information,
    which would be measured too. `connection.force_debug_cursor = False` doesn't help: the
    debug cursor is used when *either* it or settings.DEBUG is set. Query counts are taken
    explicitly with CaptureQueriesContext.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptcare.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def explain(queryset) -> str:
    """The query plan on one line."""
    text = queryset.explain()
    return " | ".join(part.strip() for part in text.splitlines() if part.strip())
