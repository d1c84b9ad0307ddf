"""Synthetic knowledge bases for benchmarks and scale tests.

``generate(path, vendors=10_000)`` writes a migrated database with that many vendors, each with
a lead (and most with a backup), a data category, an event and a runbook. Rows go in through
plain SQL ``executemany`` in one transaction: building 50,000 ORM objects would take longer
than the benchmarks it feeds.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from vendortui.app.db import Database, connect_raw
from vendortui.models.enums import EventKind, PiiLevel, RiskTier, Status
from vendortui.models.ids import db_time, new_id

_WORDS = [
    "alpha",
    "beta",
    "cloud",
    "data",
    "edge",
    "flow",
    "grid",
    "hub",
    "insight",
    "jet",
    "kite",
    "log",
    "metric",
    "node",
    "orbit",
    "pulse",
    "quanta",
    "relay",
    "signal",
    "trace",
    "uplink",
    "vector",
    "wave",
    "xray",
    "yield",
    "zen",
]
_CATEGORIES = ("observability", "paging", "ci", "identity", "error tracking", "log storage")


def _stamp(rng: random.Random) -> str:
    moment = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(60_000_000))
    return db_time(moment)


def generate(path: Path, vendors: int = 10_000, seed: int = 7) -> None:
    """Create (or extend) ``path`` with ``vendors`` synthetic vendors."""
    Database.open(path).close()
    rng = random.Random(seed)
    statuses, tiers, pii = list(Status), list(RiskTier), list(PiiLevel)
    vendor_rows, person_rows, role_rows, cat_rows, event_rows, runbook_rows = [], [], [], [], [], []
    for n in range(vendors):
        vid, lead, backup = new_id(), new_id(), new_id()
        name = f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()} {n}"
        stamp = _stamp(rng)
        end = date(2026, 1, 1) + timedelta(days=rng.randrange(900))
        vendor_rows.append(
            (
                vid,
                stamp,
                stamp,
                "synthetic",
                f"vendor-{n}",
                name,
                rng.choice(_CATEGORIES),
                rng.choice(statuses).value,
                rng.choice(tiers).value,
                end.isoformat(),
                rng.choice((30, 60, 90)),
            )
        )
        person_rows.append((lead, stamp, stamp, "synthetic", f"Lead {n}", f"lead{n}@example.com"))
        role_rows.append((new_id(), stamp, stamp, "synthetic", vid, lead, "lead"))
        if rng.random() < 0.9:
            person_rows.append(
                (backup, stamp, stamp, "synthetic", f"Backup {n}", f"backup{n}@example.com")
            )
            role_rows.append((new_id(), stamp, stamp, "synthetic", vid, backup, "backup"))
        cat_rows.append(
            (new_id(), stamp, stamp, "synthetic", vid, "Application logs", rng.choice(pii).value)
        )
        event_rows.append(
            (
                new_id(),
                stamp,
                stamp,
                "synthetic",
                vid,
                rng.choice(list(EventKind)).value,
                stamp,
                f"Synthetic event {n}",
            )
        )
        runbook_rows.append(
            (new_id(), stamp, stamp, "synthetic", vid, f"# Runbook {n}\n\nSteps.\n", stamp, 90)
        )
    conn = connect_raw(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO vendor (id, created_at, updated_at, updated_by, slug, name, category,"
            " status, risk_tier, contract_end, notice_days, rollout_stage, website, description,"
            " sso_protocol, scim, mfa_methods, webauthn_enforced, sso_requires_upgrade,"
            " termination_data) VALUES (?,?,?,?,?,?,?,?,?,?,?,'','','','saml',0,'',0,0,'')",
            vendor_rows,
        )
        conn.executemany(
            "INSERT INTO person (id, created_at, updated_at, updated_by, name, email, phone, chat,"
            " team, organisation, active) VALUES (?,?,?,?,?,?,'','','','',1)",
            person_rows,
        )
        conn.executemany(
            "INSERT INTO role (id, created_at, updated_at, updated_by, vendor_id, person_id, kind,"
            " team, note) VALUES (?,?,?,?,?,?,?,'','')",
            role_rows,
        )
        conn.executemany(
            "INSERT INTO data_category (id, created_at, updated_at, updated_by, vendor_id, name,"
            " pii_level, encrypted, description) VALUES (?,?,?,?,?,?,?,0,'')",
            cat_rows,
        )
        conn.executemany(
            "INSERT INTO event (id, created_at, updated_at, updated_by, vendor_id, kind,"
            " occurred_at, title, body, source_url) VALUES (?,?,?,?,?,?,?,?,'','')",
            event_rows,
        )
        conn.executemany(
            "INSERT INTO runbook (id, created_at, updated_at, updated_by, vendor_id, body,"
            " verified_at, verify_interval_days, verified_by) VALUES (?,?,?,?,?,?,?,?,'')",
            runbook_rows,
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
