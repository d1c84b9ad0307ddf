"""SSO probe and secret commands: ``probe``, ``probe add``, ``probe list``, ``secret ...``.

``vendortui probe`` is meant for cron and CI: exit 0 when everything passes, 1 when something
fails at the chosen level, 2 on usage or configuration errors (including a probe that could not
run: no keyring, no secret, a bad CA file). ``unreachable`` (offline, DNS) is
reported but is not a failure: the vendor's SSO may be fine and we could not look.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from typing import TYPE_CHECKING

from vendortui.app.cli import COMMANDS, command
from vendortui.app.cli.common import add_db_argument, open_db, print_json
from vendortui.app.errors import KbError
from vendortui.app.probes.findings import shown_with_result
from vendortui.app.probes.inputs import ISSUER_HELP
from vendortui.app.text import strip_control
from vendortui.models.enums import ProbeKind

if TYPE_CHECKING:
    from vendortui.app.kb import KnowledgeBase
    from vendortui.app.probes.interactive import ProbeHooks

FAILING = {"error": {"fail"}, "warning": {"fail", "warn"}}


def _probe_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vendors", nargs="*", metavar="VENDOR", help="vendor names or slugs")
    parser.add_argument("--all", action="store_true", help="probe every vendor")
    parser.add_argument("--kind", choices=[k.value for k in ProbeKind], help="only this kind")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument(
        "--fail-on",
        choices=sorted(FAILING),
        default="error",
        help="exit 1 on failures (error, the default) or on warnings too (warning)",
    )
    add_db_argument(parser)


def _hooks() -> ProbeHooks:
    import webbrowser

    from vendortui.app.probes.interactive import ProbeHooks

    def show_code(user_code: str, uri: str) -> None:
        print(strip_control(f"Sign in at {uri} and enter the code {user_code}"), file=sys.stderr)

    def open_browser(url: str) -> None:
        print(strip_control(f"Opening your browser to sign in: {url}"), file=sys.stderr)
        webbrowser.open(url)

    return ProbeHooks(on_user_code=show_code, open_browser=open_browser)


def _vendor_id(kb: KnowledgeBase, name: str) -> str:
    """The vendor's id; an unknown name close to a probe command asks whether that was meant
    (``vendortui probe lsit`` reads as probing a vendor called "lsit")."""
    try:
        return kb.find_vendor_id(name)
    except KbError as exc:
        commands = [words[-1] for words in COMMANDS if words[:-1] == ("probe",)]
        near = difflib.get_close_matches(name, commands, n=1, cutoff=0.75)
        if not near:
            raise
        raise KbError(f"{exc} Did you mean `vendortui probe {near[0]}`?") from None


@command(
    "probe run",
    "run SSO probes (`probe VENDOR...` for short)",
    _probe_args,
    default=True,
)
def probe(args: argparse.Namespace) -> int:
    """Run the probes of the named vendors (or all), store the results, print a verdict each."""
    from vendortui.app.kb import KnowledgeBase

    if not args.vendors and not args.all:
        raise KbError("Name one or more vendors, or pass --all to probe every vendor.")
    kb = KnowledgeBase(open_db(args, for_writing=True))
    vendor_ids = None if args.all else [_vendor_id(kb, name) for name in args.vendors]
    configs = kb.probes.configs(vendor_ids, args.kind)
    interactive = args.kind in ("device_code", "auth_code") and sys.stdin.isatty()
    if not interactive:
        configs = [c for c in configs if c.kind not in ("device_code", "auth_code")]
    if not configs:
        raise KbError(
            "No probes to run; add one with `vendortui probe add VENDOR --kind oidc_discovery "
            "--issuer URL`."
        )
    names = {row.id: row.name for row in kb.vendor_rows()}
    results = kb.probes.run(configs, hooks=_hooks() if interactive else None)
    failing = FAILING[args.fail_on]
    if args.json:
        print_json(
            [
                {
                    "vendor": names.get(config.vendor_id, config.vendor_id),
                    "probe": config.name,
                    "kind": config.kind,
                    "outcome": report.outcome.value,
                    "duration_ms": report.duration_ms,
                    "network_ms": report.network_ms,
                    "overhead_ms": report.overhead_ms,
                    "latencies_ms": report.latencies_ms,
                    "findings": report.findings_json(),
                }
                for config, report in results
            ]
        )
    else:
        for config, report in results:
            vendor = names.get(config.vendor_id, config.vendor_id)
            print(
                strip_control(
                    f"{report.outcome.value.upper():<11} {vendor} / {config.name} "
                    f"(network {report.network_ms:.0f} ms, vendortui {report.overhead_ms} ms)"
                )
            )
            for finding in report.findings:
                if shown_with_result(finding.check_id, finding.severity.value):
                    print(strip_control(f"    {finding.severity.value}: {finding.message}"))
                    if finding.hint:
                        print(strip_control(f"      hint: {finding.hint}"))
    outcomes = {report.outcome.value for _c, report in results}
    if outcomes & failing:
        return 1
    return 2 if "error" in outcomes else 0


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vendor", metavar="VENDOR")
    parser.add_argument("--name", help="a short name (default: the kind)")
    parser.add_argument("--kind", required=True, choices=[k.value for k in ProbeKind])
    parser.add_argument("--issuer", default="", help=ISSUER_HELP)
    parser.add_argument("--metadata-url", default="", help="SAML metadata or discovery URL")
    parser.add_argument("--client-id", default="")
    parser.add_argument("--scopes", default="", help="space-separated scopes")
    parser.add_argument("--audience", default="", help="audience or resource indicator")
    parser.add_argument("--expected-claims", default="", help="name=value pairs or a JSON object")
    parser.add_argument("--api-url", default="", help="an API that must answer 2xx with the token")
    parser.add_argument("--secret-ref", default="", help="keyring entry (default: VENDOR/NAME)")
    parser.add_argument(
        "--ca-file",
        default="",
        help="PEM file of extra CA certificates (stored as an absolute path)",
    )
    add_db_argument(parser)


@command("probe add", "configure an SSO probe for a vendor", _add_args)
def probe_add(args: argparse.Namespace) -> int:
    """Add a probe configuration; prints where its secret goes when it needs one.

    A file takes the stdlib write path (``app.sql_writes``), a team server the ORM."""
    from vendortui.app import sql_writes
    from vendortui.app.kb import KnowledgeBase
    from vendortui.app.probes.store import secret_ref_for

    kb = KnowledgeBase(open_db(args, for_writing=True))
    vendor_id = kb.find_vendor_id(args.vendor)
    vendor = kb.card_view(vendor_id).vendor
    name = args.name or args.kind.replace("_", " ")
    needs_secret = args.kind in ("client_credentials", "auth_code", "device_code")
    ref = args.secret_ref or (secret_ref_for(vendor.slug, name) if needs_secret else "")
    values = dict(
        vendor_id=vendor_id,
        name=name,
        kind=args.kind,
        issuer=args.issuer,
        metadata_url=args.metadata_url,
        client_id=args.client_id,
        scopes=args.scopes,
        audience=args.audience,
        expected_claims=args.expected_claims,
        api_url=args.api_url,
        secret_ref=ref,
        ca_file=args.ca_file,
    )
    if sql_writes.supported(kb.db):
        added = sql_writes.create(kb.db, "probe_config", values)["name"]
    else:
        from vendortui.models import ProbeConfig

        added = kb.create(ProbeConfig, **values).name
    print(f"Added probe {added!r} to {vendor.name}.")
    if args.kind == "client_credentials":
        print(f"Store its client secret with: vendortui secret set {vendor.slug} {name!r}")
    return 0


def _list_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vendors", nargs="*", metavar="VENDOR")
    parser.add_argument("--json", action="store_true")
    add_db_argument(parser)


@command("probe list", "list configured probes with their latest result", _list_args)
def probe_list(args: argparse.Namespace) -> int:
    """Every probe (or a vendor's) with its latest verdict and how old it is."""
    from vendortui.app.kb import KnowledgeBase, age
    from vendortui.app.probes.listing import probe_lines

    kb = KnowledgeBase(open_db(args, for_writing=False))
    wanted = {kb.find_vendor_id(v) for v in args.vendors} if args.vendors else None
    with kb.db.read() as conn:
        lines = probe_lines(conn, wanted)
    out = [
        {
            "vendor": line.vendor,
            "probe": line.probe,
            "kind": line.kind,
            "outcome": line.outcome,
            "checked": line.checked.isoformat() if line.checked else None,
            "age": age(line.checked),
            "latency_creeping": line.creeping,
        }
        for line in lines
    ]
    if args.json:
        print_json(out)
    else:
        for item in out:
            print(
                strip_control(
                    f"{item['vendor']}\t{item['probe']}\t{item['kind']}\t"
                    f"{item['outcome'] or 'never run'}\t{item['age']}"
                )
            )
    return 0


def _secret_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vendor", metavar="VENDOR", nargs="?")
    parser.add_argument("probe", metavar="PROBE", nargs="?", help="the probe's name")
    parser.add_argument(
        "--db-url",
        metavar="URL",
        help="instead of a probe's: the password of this postgresql:// team server (used "
        "when neither the URL, PGPASSWORD nor ~/.pgpass has one)",
    )
    add_db_argument(parser)


def _ref(args: argparse.Namespace) -> str:
    """The keyring entry the command is about: a probe's client secret or, with
    ``--db-url``, a team server's password (``postgresql://user@host:port/db``)."""
    from vendortui.app.dburl import is_server_url, keyring_ref
    from vendortui.app.kb import KnowledgeBase

    if args.db_url is not None:
        if args.vendor or not is_server_url(args.db_url):
            raise KbError(
                "--db-url takes one postgresql:// URL and no VENDOR or PROBE; "
                "e.g. --db-url postgresql://me@db.example/kb."
            )
        return keyring_ref(args.db_url)
    if not args.probe:
        raise KbError("Name a VENDOR and a PROBE, or a team server with --db-url URL.")
    kb = KnowledgeBase(open_db(args, for_writing=False))
    config = kb.probes.find(kb.find_vendor_id(args.vendor), args.probe)
    if not config.secret_ref:
        raise KbError(f"The probe {config.name!r} uses no secret (it has no keyring entry name).")
    return config.secret_ref


@command(
    "secret set",
    "store a probe's client secret or a team server's password in the OS keyring",
    _secret_args,
)
def secret_set(args: argparse.Namespace) -> int:
    """Prompt without echo (or read one line from a pipe) and store it in the keyring."""
    import getpass

    from vendortui.app.secrets import set_secret

    ref = _ref(args)
    if sys.stdin.isatty():
        value = getpass.getpass(f"Secret for {ref} (not shown): ")
    else:
        value = sys.stdin.readline().rstrip("\n")
    if not value:
        raise KbError("No secret given; nothing was stored.")
    set_secret(ref, value)
    print(f"Stored the secret for {ref} in the OS keyring.")
    return 0


@command(
    "secret delete",
    "remove a probe's client secret or a server's password from the keyring",
    _secret_args,
)
def secret_delete(args: argparse.Namespace) -> int:
    """Delete the keyring entry (revoking it at the vendor is up to you)."""
    from vendortui.app.secrets import delete_secret

    ref = _ref(args)
    delete_secret(ref)
    print(f"Deleted the secret for {ref} from the OS keyring.")
    return 0


@command(
    "secret check", "say whether a probe's secret is in the keyring (never prints it)", _secret_args
)
def secret_check(args: argparse.Namespace) -> int:
    """Exit 0 when the secret is there, 1 when it is not."""
    from vendortui.app.secrets import env_var, has_secret

    ref = _ref(args)
    if has_secret(ref):
        where = "environment" if os.environ.get(env_var(ref)) else "OS keyring"
        print(f"The secret for {ref} is in the {where}.")
        return 0
    print(f"There is no secret for {ref}; store it with `vendortui secret set`.")
    return 1
