"""Benchmark: 200 OIDC discovery probes against local servers, one by one vs ``sweep``.

Prints the figures and exits non-zero when a target is missed:

* the sweep finishes at least 10x faster than running the probes one by one;
* the probe code's own CPU time stays under 5 ms per probe run (each run is a discovery
  document, a JWKS fetch and every check on both).

It also prints, per probe, the network time as measured on the wire (``network_ms``) apart
from vendortui's own share (``overhead_ms``: parsing, checks, and in a sweep waiting for the
event loop), and the worst deadline overrun of the probes' own accounting (``late_ms``).

The servers run in a child process, so this process's CPU time is the probe code's alone
(engine, Authlib/joserfc, httpx and asyncio: everything a probe costs us). Each response is
delayed by ``--latency-ms`` (default 50 ms, a typical round trip to a SaaS identity provider):
on loopback with no delay there would be nothing to overlap. ``--tls`` serves https with a
throwaway CA (needs trustme) to show what the handshake adds: about 1.5 ms of OpenSSL work per
probe (no session resumption across probes), which can take the one-by-one figure past 5 ms.

    .venv/bin/python bench/probe_sweep.py [--probes 200] [--latency-ms 50] [--tls]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vendortui.app.probes.findings import ProbeReport
from vendortui.app.probes.runner import run_probe
from vendortui.app.probes.spec import ProbeSpec
from vendortui.app.probes.sweep import DEFAULT_CONCURRENCY, sweep
from vendortui.models.enums import ProbeKind, ProbeOutcome

SPEEDUP_TARGET = 10.0
CPU_TARGET_MS = 5.0
SERVER_PORTS = 4


# --- the local identity providers (child process) -------------------------------------------


def _serve(latency_s: float, cert_dir: str | None) -> None:
    """Serve discovery + JWKS for any /vendor-N issuer on a few ports; print the ports."""
    import ssl

    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, parameters={"kid": "k", "use": "sig"})
    jwks = json.dumps({"keys": [key.as_dict(private=False)]}).encode()
    context = None
    if cert_dir:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(f"{cert_dir}/cert.pem", f"{cert_dir}/key.pem")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                port = writer.get_extra_info("sockname")[1]
                scheme = "https" if context else "http"
                vendor = path.split("/")[1]
                issuer = f"{scheme}://127.0.0.1:{port}/{vendor}"
                if path.endswith("/.well-known/openid-configuration"):
                    body = json.dumps(_discovery(issuer)).encode()
                elif path.endswith("/jwks"):
                    body = jwks
                else:
                    body = b"{}"
                await asyncio.sleep(latency_s)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [
            await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context, backlog=1024)
            for _ in range(SERVER_PORTS)
        ]
        ports = [s.sockets[0].getsockname()[1] for s in servers]
        print(json.dumps(ports), flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def _discovery(issuer: str) -> dict[str, object]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
    }


# --- the measurement --------------------------------------------------------------------------


async def _one_by_one(specs: list[ProbeSpec]) -> list[ProbeReport]:
    return [await run_probe(spec) for spec in specs]


def _cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def _measure(label: str, specs: list[ProbeSpec], runner) -> tuple[float, float]:
    """Wall time and CPU ms per probe (user + system: loopback socket work counts too)."""
    (user0, sys0), wall0 = _cpu(), time.perf_counter()
    reports = asyncio.run(runner(specs))
    wall = time.perf_counter() - wall0
    user1, sys1 = _cpu()
    bad = [r for r in reports if r.outcome is not ProbeOutcome.PASS]
    if bad:
        raise SystemExit(f"{label}: {len(bad)} probes did not pass, e.g. {bad[0].findings}")
    user_ms = (user1 - user0) / len(specs) * 1000
    sys_ms = (sys1 - sys0) / len(specs) * 1000
    print(
        f"{label:<11} wall {wall:6.2f} s   cpu/probe {user_ms + sys_ms:5.2f} ms "
        f"(user {user_ms:4.2f} + system {sys_ms:4.2f})"
    )
    network = statistics.median(r.network_ms for r in reports)
    overhead = statistics.median(r.overhead_ms for r in reports)
    late = max(r.late_ms for r in reports)
    print(
        f"{'':<11} per probe (median): network {network:6.1f} ms, vendortui {overhead:5.1f} ms, "
        f"duration {statistics.median(r.duration_ms for r in reports):6.1f} ms; "
        f"latest deadline overrun {late:.1f} ms"
    )
    return wall, user_ms + sys_ms


def _tls_material(folder: str) -> str:
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    leaf.cert_chain_pems[0].write_to_path(f"{folder}/cert.pem")
    leaf.private_key_pem.write_to_path(f"{folder}/key.pem")
    ca.cert_pem.write_to_path(f"{folder}/ca.pem")
    return f"{folder}/ca.pem"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    """Run both ways, print the figures, and return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--tls", action="store_true", help="serve https from a throwaway CA")
    parser.add_argument("--serve", metavar="CERT_DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        _serve(args.latency_ms / 1000, args.serve or None)
        return 0

    with tempfile.TemporaryDirectory() as folder:
        ca_file = _tls_material(folder) if args.tls else ""
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", folder if args.tls else "",
             "--latency-ms", str(args.latency_ms)],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            ports = json.loads(server.stdout.readline())
            scheme = "https" if args.tls else "http"
            specs = [
                ProbeSpec(
                    kind=ProbeKind.OIDC_DISCOVERY,
                    issuer=f"{scheme}://127.0.0.1:{ports[i % len(ports)]}/vendor-{i}",
                    name=f"vendor-{i}",
                    ca_file=ca_file,
                    allow_insecure_loopback=not args.tls,
                )
                for i in range(args.probes)
            ]
            print(
                f"{args.probes} discovery probes, {args.latency_ms:g} ms per response, "
                f"{scheme}, sweep concurrency {DEFAULT_CONCURRENCY}"
            )
            asyncio.run(run_probe(specs[0]))  # warm imports and the TLS context cache
            seq_wall, seq_cpu = _measure("one by one", specs, _one_by_one)
            sweep_wall, sweep_cpu = _measure("sweep", specs, sweep)
        finally:
            server.terminate()
            server.wait(5)

    speedup = seq_wall / sweep_wall
    cpu_ms = max(seq_cpu, sweep_cpu)
    speed_ok, cpu_ok = speedup >= SPEEDUP_TARGET, cpu_ms < CPU_TARGET_MS
    print(f"speed-up    {speedup:6.1f}x    target >= {SPEEDUP_TARGET:g}x   {_verdict(speed_ok)}")
    print(f"cpu/probe   {cpu_ms:6.2f} ms  target < {CPU_TARGET_MS:g} ms   {_verdict(cpu_ok)}")
    return 0 if speed_ok and cpu_ok else 1


if __name__ == "__main__":
    sys.exit(main())
