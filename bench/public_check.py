"""Benchmark: cross-check 10,000 vendors against all four public datasets (issue 12: < 1 s).

Builds a knowledge base of ``--vendors`` synthetic vendors (``app.synthetic``) whose websites
are real domains from the shipped snapshots (a third as subdomains, some with extra domains,
some unknown) and whose recorded sign-in posture is random, then times, as the median CPU time
of ``--runs`` runs (the process is single-threaded, so CPU time does not depend on what else
the machine runs):

- the baseline, measured in the same run: ``kb.vendor_rows()``, the home screen's read of
  every vendor;
- loading the four datasets (cold: the first ``public-check`` or panel of a process pays it);
- the cross-check: reading every vendor's posture and computing its facts and findings, what
  ``vendortui public-check`` and the attention rule do.

    .venv/bin/python bench/public_check.py [--runs 5] [--vendors 10000]

Exits 1 if the cross-check (datasets loaded) takes 1 s or more.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vendortui.app.db import connect_raw  # noqa: E402
from vendortui.app.kb import KnowledgeBase  # noqa: E402
from vendortui.app.public_data import datasets  # noqa: E402
from vendortui.app.public_data.check import vendor_public  # noqa: E402
from vendortui.app.public_data.records import postures  # noqa: E402
from vendortui.app.synthetic import generate  # noqa: E402

TARGET_S = 1.0


def cpu(run: Callable[[], object], runs: int) -> float:
    """Median CPU seconds of ``runs`` calls."""
    figures = []
    for _ in range(runs):
        start = time.process_time()
        run()
        figures.append(time.process_time() - start)
    return statistics.median(figures)


def real_domains() -> list[str]:
    data = datasets.load()
    snaps = {key: item.snapshot.entries for key, item in data.loaded.items()}
    domains = set(snaps["2fa"]["by_domain"]) | set(snaps["passkeys"]["by_domain"])
    domains |= {item["domain"] for key in ("sso-tax", "atlas") for item in snaps[key]["items"]}
    return sorted(domains)


def plant(path: Path, rng: random.Random) -> None:
    """Give every synthetic vendor a website, extra domains and a random sign-in posture."""
    domains = real_domains()
    conn = connect_raw(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        ids = [row[0] for row in conn.execute("SELECT id FROM vendor")]
        rows = []
        for n, vendor_id in enumerate(ids):
            domain = rng.choice(domains) if rng.random() < 0.8 else f"unknown-{n}.example"
            host = f"app.{domain}" if rng.random() < 0.33 else f"www.{domain}"
            extra = rng.choice(domains) if rng.random() < 0.2 else ""
            rows.append(
                (
                    f"https://{host}/login",
                    extra,
                    rng.choice(("none", "saml", "oidc")),
                    rng.random() < 0.5,
                    rng.choice(("", "sms", "totp, sms", "webauthn, totp", "push")),
                    rng.random() < 0.3,
                    rng.random() < 0.5,
                    vendor_id,
                )
            )
        conn.executemany(
            "UPDATE vendor SET website = ?, extra_domains = ?, sso_protocol = ?, scim = ?, "
            "mfa_methods = ?, webauthn_enforced = ?, sso_requires_upgrade = ? WHERE id = ?",
            rows,
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vendors", type=int, default=10_000)
    args = parser.parse_args()
    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kb.db"
        generate(path, args.vendors)
        plant(path, random.Random(12))
        kb = KnowledgeBase.open(path)

        def load_cold() -> None:
            datasets.forget()
            datasets.load()

        def check() -> int:
            data = datasets.load()
            with kb.db.read() as conn:
                chosen = postures(conn, include_retired=True)
            return sum(len(vendor_public(p, data, today).findings) for p in chosen)

        baseline = cpu(kb.vendor_rows, args.runs)
        loading = cpu(load_cold, args.runs)
        checking = cpu(check, args.runs)
        findings = check()
        kb.db.close()
    print(f"{args.vendors} vendors, {findings} findings; median CPU of {args.runs} runs")
    total = loading + checking
    verdict = "ok" if total < TARGET_S else "MISSED"
    for label, figure, ratio in (
        ("baseline kb.vendor_rows()", baseline, ""),
        ("load the four datasets (cold)", loading, f"  ({loading / baseline:.2f}x)"),
        ("cross-check (read + facts + rules)", checking, f"  ({checking / baseline:.2f}x)"),
        ("load + cross-check", total, f"  (target < {TARGET_S:.0f} s: {verdict})"),
    ):
        print(f"  {label + ':':<36} {figure * 1000:7.1f} ms{ratio}")
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
