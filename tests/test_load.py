"""Concurrent readers on the production server (issue 8).

A bounded load run on loopback: 8 clients for 5 s (and at most 20,000
requests), each reading chapters, searching and opening registers in random
order, against `edition serve` (waitress). The full 30 s run, with its
throughput and latency percentiles, is `edition bench` (docs/benchmarks.md);
this test proves the property the figures rest on: zero errors under load.
"""

from __future__ import annotations

import pytest

from edition.bench import Server, discover, load_run


@pytest.fixture(scope="module")
def served():
    with Server(threads=8) as server:
        yield server, discover(server.base)


def test_the_viewer_links_to_chapters_registers_and_search(served):
    _server, site = served
    assert len(site.reading) >= 50, site.reading[:5]  # five texts, cut into chapters and sections
    assert any("/registers/persons/" in path for path in site.registers)
    assert site.search_path == "/search"


def test_eight_concurrent_readers_for_five_seconds_get_no_errors(served):
    server, site = served
    summary = load_run(server.base, site, clients=8, seconds=5.0, max_requests=20_000)
    assert summary["errors"] == 0, summary["error_sample"]
    assert set(summary["by_kind"]) == {"reading", "register", "search"}
    assert summary["requests"] >= 8 * 5, summary  # at least one answer a second per client
    assert server.process.poll() is None  # the server is still up
    print(f"\nload: {summary['requests']} requests, {summary['throughput']:.0f}/s, "
          f"p50 {summary['p50']:.1f} ms, p95 {summary['p95']:.1f} ms, p99 {summary['p99']:.1f} ms")
