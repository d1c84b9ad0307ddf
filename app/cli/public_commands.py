"""Public data commands: ``datasets [list]``, ``datasets import FILE``, ``public-check``.

All offline: the datasets are the snapshots shipped in the package or imported by the user.
``public-check`` is a read command: it reads vendors with stdlib ``sqlite3`` (no SQLModel)
and exits 1 under ``--fail-on`` when a finding of that kind is found, so it fits CI.
"""

from __future__ import annotations

import argparse
from datetime import date

from vendortui.app.cli import command
from vendortui.app.cli.common import add_db_argument, open_db, print_json
from vendortui.app.errors import KbError

FAIL_ON = {"disagree": {"disagree"}, "any": {"disagree", "better"}}


def _list_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON array")


LIST_HELP = "public datasets in use: source, date, license, entries"


@command("datasets list", LIST_HELP, _list_args, default=True)
def datasets_list(args: argparse.Namespace) -> int:
    """One block per dataset with its attribution (what each license asks for)."""
    from vendortui.app.public_data.datasets import load
    from vendortui.app.public_data.snapshot import NOTICES_DIR
    from vendortui.app.public_data.sources import SOURCES
    from vendortui.app.text import one_line

    loaded = load().loaded
    rows = []
    for key, source in SOURCES.items():
        item = loaded[key]
        snap = item.snapshot
        rows.append(
            {
                "source": key,
                "title": source.title,
                "what": source.what,
                "date": snap.date,
                "commit": snap.commit,
                "license": source.license,
                "entries": item.entries,
                "origin": snap.origin,
                "imported_at": snap.imported_at,
                "note": item.note,
                "repository": source.repository,
                "attribution": source.attribution,
                "license_text": str(NOTICES_DIR / source.notice),
            }
        )
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        where = "shipped" if row["origin"] == "shipped" else f"imported {row['imported_at']}"
        commit = f", commit {row['commit']}" if row["commit"] else ""
        print(f"{row['title']} [{row['source']}]: {row['entries']} entries, {row['date']}{commit}")
        print(f"  {row['what']}")
        print(f"  {row['license']}; {one_line(where)}")
        print(f"  {row['attribution']}")
        print(f"  License text: {one_line(row['license_text'])}")
        if row["note"]:
            print(f"  Note: {one_line(row['note'])}")
    print("Import a newer upstream file with `vendortui datasets import FILE` (no network used).")
    return 0


def _import_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the upstream's JSON file")
    parser.add_argument(
        "--source", help="which dataset it is (2fa, passkeys, sso-tax, atlas); default: detected"
    )
    parser.add_argument(
        "--date", metavar="YYYY-MM-DD", help="the data's date (default: the file's)"
    )


@command("datasets import", "replace a dataset with a newer upstream file (offline)", _import_args)
def datasets_import(args: argparse.Namespace) -> int:
    """Validate and install the file as this user's copy of its dataset."""
    from pathlib import Path

    from vendortui.app.public_data.importer import import_file
    from vendortui.app.public_data.sources import SOURCES

    done = import_file(Path(args.file), args.source, args.date)
    print(
        f"{SOURCES[done.source].title}: {done.entries} entries from {done.date} now in use "
        f"(stored in {done.path})."
    )
    return 0


def _check_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vendors", nargs="*", metavar="VENDOR", help="vendor names or slugs")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--fail-on",
        choices=sorted(FAIL_ON),
        help="exit 1 when public data disagrees with our records (disagree) or on any finding",
    )
    add_db_argument(parser)


@command("public-check", "check our records against public 2FA/passkey/SSO/SCIM data", _check_args)
def public_check(args: argparse.Namespace) -> int:
    """Every vendor's (or the named ones') findings, with why and what to do."""
    from vendortui.app.public_data.check import vendor_public
    from vendortui.app.public_data.datasets import load
    from vendortui.app.public_data.records import posture, postures
    from vendortui.app.queries import find_vendor_id
    from vendortui.app.text import one_line

    today = date.today()
    db = open_db(args, for_writing=False)
    with db.read() as conn:
        if args.vendors:
            chosen = []
            for name in args.vendors:
                vendor_id = find_vendor_id(conn, name)
                if vendor_id is None:
                    raise KbError(
                        f"There is no vendor called '{one_line(name)}'; `vendortui vendors` "
                        "lists them."
                    )
                chosen.append(posture(conn, vendor_id))
        else:
            chosen = postures(conn)
    data = load()
    results = [vendor_public(p, data, today) for p in chosen]
    found = [f for r in results for f in r.findings]
    if args.json:
        print_json([r.as_json(today) for r in results])
    else:
        for result in results:
            if not result.findings and not args.vendors:
                continue
            shown = ", ".join(result.facts.domains) or "no website or domains recorded"
            print(f"{one_line(result.posture.name)} ({one_line(shown)})")
            if not result.facts.listed:
                print("  not listed in any public dataset")
            elif not result.findings:
                print("  public data agrees with what we recorded")
            for finding in result.findings:
                print(f"  {finding.kind:<8} {one_line(finding.why)}")
                print(f"  {'':<8} -> {one_line(finding.todo)}")
        tally = {k: sum(1 for f in found if f.kind == k) for k in ("disagree", "better")}
        print(
            f"{tally['disagree']} disagreement(s), {tally['better']} better option(s) "
            f"across {len(results)} vendor(s)."
        )
    if args.fail_on and any(f.kind in FAIL_ON[args.fail_on] for f in found):
        return 1
    return 0
