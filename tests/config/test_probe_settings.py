"""``probes.concurrency`` bounds a stored sweep: real loopback providers that each wait for
the other's request to arrive show how many probes were in flight at once."""

from __future__ import annotations

import threading

import pytest

from tests.config.conftest import WriteConfig
from tests.probe_store.test_store import _allow_plain_http_to_loopback, _provider
from vendortui.app.kb import KnowledgeBase
from vendortui.models import ProbeConfig


@pytest.mark.parametrize("concurrency", [1, 2])
def test_the_sweep_runs_as_many_probes_at_once_as_the_config_says(
    kb: KnowledgeBase, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    _allow_plain_http_to_loopback(monkeypatch)
    write_config(f"[probes]\nconcurrency = {concurrency}\n")
    started = [threading.Event(), threading.Event()]
    lock = threading.Lock()
    in_flight = [0, 0]  # now, peak

    def answer_once_the_other_started(mine: int) -> None:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        started[mine].set()
        # Two at once: both arrive and answer at once. One at a time: the other cannot
        # arrive before this answers, so this answers when the bound runs out.
        started[1 - mine].wait(3)
        with lock:
            in_flight[0] -= 1

    servers = [_provider(lambda n=n: answer_once_the_other_started(n)) for n in range(2)]
    try:
        for n, server in enumerate(servers):
            vendor = kb.add_vendor(f"Vendor {n}")
            kb.create(
                ProbeConfig,
                vendor_id=vendor.id,
                name="sso",
                kind="oidc_discovery",
                issuer=server.base_url,
            )
        results = kb.probes.run(kb.probes.configs())
    finally:
        for server in servers:
            server.stop()
    assert [r.outcome.value for _c, r in results] == ["pass", "pass"]
    assert in_flight[1] == concurrency
