"""demo_scale: wall time and peak RSS of `manage.py demo --therapists N`.

Each command runs as its own child process, so its peak RSS is its own. Three runs on one
fresh database:

    fixed_demo      `demo --quiet`                   the fixed demo practices (baseline)
    therapists      `demo --therapists N --quiet`    the fixed part exists: generates N
    rerun_noop      the same command again           creates nothing: start-up + checks

`net_s` = therapists - rerun_noop, the time spent generating rows; rows are the generated
users plus their therapist profiles, counted in the database afterwards.
"""

import sys

from bench.common import ROOT, Context, log, run_measured, tail

GENERATED_DOMAIN = "generated.example.org"  # as in iptcare/demo/management/commands/demo.py


def _counts() -> tuple[int, int]:
    from django.db import connection

    from iptcare.accounts.models import User
    from iptcare.directory.models import TherapistProfile

    users = User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}")
    counts = users.count(), TherapistProfile.objects.filter(user__in=users).count()
    connection.close()  # the next child writes to this database
    return counts


def run(ctx: Context) -> None:
    n = ctx.n
    manage = [sys.executable, str(ROOT / "manage.py"), "demo", "--quiet"]
    steps = [
        ("fixed_demo", manage, 0),
        ("therapists", [*manage, "--therapists", str(n)], n),
        ("rerun_noop", [*manage, "--therapists", str(n)], n),
    ]
    records: dict[str, dict] = {}
    for case, cmd, case_n in steps:
        log_path = ctx.workdir / f"demo-{case}.log"
        log(f"{case}: {' '.join(cmd[1:])}")
        wall, rss, code = run_measured(cmd, log_path=log_path)
        if code != 0:
            raise RuntimeError(f"`{' '.join(cmd[1:])}` exited {code}:\n{tail(log_path)}")
        users, profiles = _counts()
        records[case] = {
            "case": case,
            "n": case_n,
            "wall_s": round(wall, 3),
            "rss_mb": rss,
            "generated_users": users,
            "generated_profiles": profiles,
        }
        log(f"{case}: {wall:.2f} s, peak RSS {rss} MB, {users} generated therapists")

    gen, noop = records["therapists"], records["rerun_noop"]
    if gen["generated_users"] != n or gen["generated_profiles"] != n:
        raise RuntimeError(
            f"expected {n} therapists and profiles, got "
            f"{gen['generated_users']}/{gen['generated_profiles']}"
        )
    rows = gen["generated_users"] + gen["generated_profiles"]
    net = gen["wall_s"] - noop["wall_s"]
    gen.update(
        rows=rows,
        rows_per_s=round(rows / gen["wall_s"]),
        therapists_per_s=round(n / gen["wall_s"]),
        baseline="rerun_noop",
        net_s=round(net, 3),
        net_rows_per_s=round(rows / net) if net > 0 else None,
        rss_over_baseline_mb=round(gen["rss_mb"] - noop["rss_mb"], 1),
    )
    noop["idempotent"] = noop["generated_users"] == n and noop["generated_profiles"] == n
    for record in records.values():
        ctx.emit(record)
