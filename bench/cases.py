"""The seven measurements of the suite, each returning its figures as plain data."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bound import measure_extraction_bound, pages_bodies
from bench.corpus import Page
from bench.prefill import make_templates, prefill_warehouse
from bench.runner import IngestRun, Runner
from bench.server import LoopbackFarm
from bench.workload import Workload, serve_workload, write_sources
from warehouse import Warehouse

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Scale:
    """How big each case is; ``FULL`` for the real run, ``QUICK`` for a smoke run."""

    small: tuple[int, int]  # (feeds, items) of the smaller corpus in (1)
    large: tuple[int, int]  # (feeds, items) of the larger corpus in (1), (2), (3)
    latency_hosts: tuple[int, int]  # (hosts, items) served with LATENCY_SECONDS in (3)
    repoll: tuple[int, int]  # (feeds, items) re-polled in (4)
    prefill: tuple[int, int]  # articles already stored, small and large, in (5)
    prefill_new: tuple[int, int]  # (feeds, items) ingested on top of them in (5)
    rss: tuple[int, int]  # (feeds, items) of the memory run (6)
    polite: tuple[int, int]  # (hosts, items per host) of the politeness-bound run (7)
    host_delay: float  # NEWSFLOW_HOST_DELAY_SECONDS in (7)


FULL = Scale(
    small=(10, 20),
    large=(10, 99),
    latency_hosts=(20, 50),
    repoll=(100, 1),
    prefill=(1_000, 100_000),
    prefill_new=(10, 30),
    rss=(100, 100),
    polite=(20, 20),
    host_delay=1.0,
)
QUICK = Scale(
    small=(2, 5),
    large=(2, 15),
    latency_hosts=(4, 4),
    repoll=(5, 1),
    prefill=(100, 1_000),
    prefill_new=(2, 5),
    rss=(5, 20),
    polite=(3, 4),
    host_delay=0.2,
)
LATENCY_SECONDS = 0.1
POLITE_FEEDS_PER_HOST = 2  # feeds of one site, e.g. its news and its blog
REPEATS = 3


@dataclass
class Context:
    """What the cases share within one suite run."""

    runner: Runner
    pages: list[Page]
    scale: Scale
    scratch: Path
    farm: LoopbackFarm  # no latency
    slow_farm: LoopbackFarm  # LATENCY_SECONDS per response
    results: dict[str, Any]

    def serve(
        self, name: str, shape: tuple[int, int], *, slow: bool = False, feeds_per_host: int = 1
    ) -> Workload:
        feeds, items = shape
        farm = self.slow_farm if slow else self.farm
        offset = sum(len(site.resources) for site in farm.sites)  # new pages, new mix
        return serve_workload(
            farm,
            self.pages,
            name=name,
            feeds=feeds,
            items=items,
            directory=self.scratch,
            offset=offset,
            feeds_per_host=feeds_per_host,
        )

    def db(self, name: str) -> Path:
        folder = self.scratch / "db"
        folder.mkdir(exist_ok=True)
        return folder / f"{name}.duckdb"


def case_baseline(ctx: Context) -> dict[str, Any]:
    """An empty flow run (no sources): Prefect start-up and the run's fixed costs."""
    empty = ctx.scratch / "sources-empty.yaml"
    write_sources(empty, "empty", [])
    ctx.results["empty_sources"] = empty
    ctx.runner.ingest(empty, ctx.db("warm-up"))  # first ever start creates Prefect's database
    run = ctx.runner.ingest(empty, ctx.db("empty"))
    return {"empty_run_s": run.seconds, "empty_in_flow_s": run.in_flow_seconds}


def case_throughput(ctx: Context) -> dict[str, Any]:
    """(1) end-to-end pages/s from cold at two corpus sizes, and the marginal rate."""
    small = ctx.serve("small", ctx.scale.small)
    large: Workload = ctx.results["large_workload"]
    run_small = ctx.runner.ingest(small.sources_file, ctx.db("small"))
    run_large = ctx.runner.ingest(large.sources_file, ctx.db("large"))
    ctx.results["large_run"] = run_large
    extra = large.pages - small.pages
    return {
        "small_pages": small.pages,
        "small_s": run_small.seconds,
        "small_in_flow_s": run_small.in_flow_seconds,
        "large_pages": large.pages,
        "large_s": run_large.seconds,
        "large_in_flow_s": run_large.in_flow_seconds,
        "articles_loaded": run_large.articles_new,
        "cold_pages_per_s": large.pages / run_large.seconds,
        "marginal_pages_per_s": extra / (_in_flow(run_large) - _in_flow(run_small)),
        "marginal_wall_pages_per_s": extra / (run_large.seconds - run_small.seconds),
        "small_flow_cpu_s": run_small.child.process_cpu_seconds,
        "large_flow_cpu_s": run_large.child.process_cpu_seconds,
        "marginal_flow_cpu_ms_per_page": 1000
        * (run_large.child.process_cpu_seconds - run_small.child.process_cpu_seconds)
        / extra,
    }


def case_bound(ctx: Context) -> dict[str, Any]:
    """(2) bare trafilatura over the same pages in a 2-process pool; ratio (1 marginal)/(2)."""
    large: Workload = ctx.results["large_workload"]
    bound = measure_extraction_bound(pages_bodies(ctx.pages, large.page_ids))
    figures: dict[str, Any] = {
        "pages": bound.pages,
        "with_text": bound.with_text,
        "seconds": bound.seconds,
        "bound_pages_per_s": bound.pages_per_second,
    }
    throughput = ctx.results.get("throughput")
    if throughput:
        figures["ratio_marginal_to_bound"] = (
            throughput["marginal_pages_per_s"] / bound.pages_per_second
        )
    return figures


def case_naive(ctx: Context) -> dict[str, Any]:
    """(3) the naive sequential peer, without and with latency; ratio (1)/(3)."""
    large: Workload = ctx.results["large_workload"]
    naive_fast, stored_fast = ctx.runner.naive(large.sources_file, ctx.db("naive-fast"))
    slow = ctx.serve("latency", ctx.scale.latency_hosts, slow=True)
    naive_slow, stored_slow = ctx.runner.naive(slow.sources_file, ctx.db("naive-slow"))
    figures: dict[str, Any] = {
        "pages": large.pages,
        "naive_pages_per_s": large.pages / naive_fast.seconds,
        "naive_articles": stored_fast,
        "latency_s": LATENCY_SECONDS,
        "latency_hosts": len(slow.feed_urls),
        "latency_pages": slow.pages,
        "naive_latency_pages_per_s": slow.pages / naive_slow.seconds,
    }
    large_run: IngestRun | None = ctx.results.get("large_run")
    if large_run is not None:
        figures["ratio_no_latency"] = (large.pages / large_run.seconds) / figures[
            "naive_pages_per_s"
        ]
    if ctx.runner.feeds_supported():
        run = ctx.runner.ingest(slow.sources_file, ctx.db("newsflow-slow"))
        figures["newsflow_latency_pages_per_s"] = slow.pages / run.seconds
        figures["newsflow_latency_in_flow_pages_per_s"] = slow.pages / _in_flow(run)
        figures["newsflow_latency_articles"] = run.articles_new
        figures["ratio_with_latency"] = (
            figures["newsflow_latency_pages_per_s"] / figures["naive_latency_pages_per_s"]
        )
        figures["ratio_with_latency_in_flow"] = (
            figures["newsflow_latency_in_flow_pages_per_s"] / figures["naive_latency_pages_per_s"]
        )
    return figures


def case_repoll(ctx: Context) -> dict[str, Any]:
    """(4) a no-change re-poll of every feed: seconds beyond an empty flow run.

    Start-up varies by seconds on a busy machine, so empty runs and re-polls
    alternate ``REPEATS`` times and the median of the paired differences counts.
    """
    workload = ctx.serve("repoll", ctx.scale.repoll)
    db = ctx.db("repoll")
    first = ctx.runner.ingest(workload.sources_file, db)
    ctx.farm.reset_counts()
    walls, in_flows, empties = [], [], []
    for _ in range(REPEATS):
        empty = ctx.runner.ingest(ctx.results["empty_sources"], ctx.db("empty"))
        again = ctx.runner.ingest(workload.sources_file, db, extra_args=ctx.runner.force_flag())
        empties.append(empty.seconds)
        walls.append(again.seconds - empty.seconds)
        in_flows.append(_in_flow(again) - _in_flow(empty))
    statuses = ctx.farm.statuses()
    return {
        "feeds": len(workload.feed_urls),
        "first_poll_s": first.seconds,
        "repeats": REPEATS,
        "empty_run_s": statistics.median(empties),
        "beyond_empty_s": statistics.median(walls),
        "beyond_empty_each_s": walls,
        "beyond_empty_in_flow_s": statistics.median(in_flows),
        "repoll_responses": {str(code): count for code, count in sorted(statuses.items())},
        "repoll_new_articles": again.articles_new,
    }


def case_scale(ctx: Context) -> dict[str, Any]:
    """(5) per-article ingest cost with a small and a large warehouse already filled."""
    small_n, large_n = ctx.scale.prefill
    templates = make_templates(ctx.pages)
    small, large = Warehouse(ctx.db("prefill-small")), Warehouse(ctx.db("prefill-large"))
    prefill_s = prefill_warehouse(large, templates, large_n)
    prefill_warehouse(small, templates, small_n)
    publish_s = {  # published elsewhere: the runs below publish the warehouses' own snapshots
        label: Warehouse(ctx.db(f"publish-{label}"), private_dir=warehouse.folder).publish().seconds
        for label, warehouse in (("small", small), ("large", large))
    }
    workload = ctx.serve("scale", ctx.scale.prefill_new)
    costs = {}
    for label, db in (("small", small.snapshot), ("large", large.snapshot)):
        run = ctx.runner.ingest(workload.sources_file, db)
        costs[label] = (_in_flow(run) / workload.pages, run)
    return {
        "prefilled_small": small_n,
        "prefilled_large": large_n,
        "prefill_load_s": prefill_s,
        "prefill_articles_per_s": large_n / prefill_s,
        "new_pages": workload.pages,
        "ms_per_article_small": costs["small"][0] * 1000,
        "ms_per_article_large": costs["large"][0] * 1000,
        "wall_s_small": costs["small"][1].seconds,
        "wall_s_large": costs["large"][1].seconds,
        "ratio_large_to_small": costs["large"][0] / costs["small"][0],
        "ratio_wall_large_to_small": costs["large"][1].seconds / costs["small"][1].seconds,
        "publish_s_small": publish_s["small"],
        "publish_s_large": publish_s["large"],
        "warehouse_mb_large": large.write_db.stat().st_size / MB,
    }


def case_memory(ctx: Context) -> dict[str, Any]:
    """(6) peak memory of a large run: the whole process tree, sampled.

    Twice over the same pages: as ``newsflow ingest`` runs on its own (Prefect
    starts an API server of its own for the run, in the tree), and as a
    deployment's run does, against a standing Prefect server (not in the tree).
    """
    workload = ctx.serve("memory", ctx.scale.rss)
    run = ctx.runner.ingest(workload.sources_file, ctx.db("memory"))
    with ctx.runner.standing_server() as server_env:
        served = ctx.runner.ingest(workload.sources_file, ctx.db("memory-served"), env=server_env)
    return {
        "pages": workload.pages,
        "articles_loaded": run.articles_new,
        "seconds": run.seconds,
        "pages_per_s": workload.pages / run.seconds,
        "peak_tree_rss_mb": run.child.peak_tree_rss / MB,
        "peak_tree_pss_mb": run.child.peak_tree_pss / MB,
        "peak_process_rss_mb": run.child.peak_process_rss / MB,
        "peak_tree_processes_mb": _processes_mb(run),
        "timeline": _timeline_mb(run),
        "served_articles_loaded": served.articles_new,
        "served_seconds": served.seconds,
        "served_peak_tree_rss_mb": served.child.peak_tree_rss / MB,
        "served_peak_tree_pss_mb": served.child.peak_tree_pss / MB,
        "served_peak_process_rss_mb": served.child.peak_process_rss / MB,
        "served_peak_tree_processes_mb": _processes_mb(served),
        "served_timeline": _timeline_mb(served),
    }


def _processes_mb(run: IngestRun) -> list[tuple[str, float]]:
    """Each process of the tree at its RSS peak, in MB: which ones peak together."""
    return [(name, round(rss / MB, 1)) for name, rss in run.child.peak_tree_processes]


def _timeline_mb(run: IngestRun) -> list[dict[str, Any]]:
    """The run's memory timeline in MB: each window's highest tree sample and what held it."""
    return [
        {
            "s": round(sample.seconds, 1),
            "rss_mb": round(sample.rss / MB, 1),
            "pss_mb": round(sample.pss / MB, 1),
            "processes_mb": [(name, round(rss / MB, 1)) for name, rss in sample.processes],
        }
        for sample in run.child.timeline
    ]


def case_polite(ctx: Context) -> dict[str, Any]:
    """(7) the latency-bound case: achieved pages/s against per-host politeness.

    Each host serves ``POLITE_FEEDS_PER_HOST`` feeds whose items all link to
    it, as real sites do, so the run's pages come grouped by host. A host
    must answer its feeds, robots.txt and every page, spaced ``host_delay``
    apart, after ``LATENCY_SECONDS`` each: it needs at least
    ``(requests - 1) * delay + latency`` seconds, and the hosts run in
    parallel, so that is the bound on the whole run's fetch time.
    """
    hosts, items = ctx.scale.polite
    delay = ctx.scale.host_delay
    per_feed = max(1, items // POLITE_FEEDS_PER_HOST)
    workload = ctx.serve(
        "polite",
        (hosts * POLITE_FEEDS_PER_HOST, per_feed),
        slow=True,
        feeds_per_host=POLITE_FEEDS_PER_HOST,
    )
    ctx.slow_farm.reset_counts()
    env = {"NEWSFLOW_HOST_DELAY_SECONDS": str(delay)}
    run = ctx.runner.ingest(workload.sources_file, ctx.db("polite"), env=env)
    requests = POLITE_FEEDS_PER_HOST * (per_feed + 1) + 1
    bound_s = (requests - 1) * delay + LATENCY_SECONDS
    achieved_s = _in_flow(run)
    served = sum(ctx.slow_farm.statuses().values())
    return {
        "hosts": hosts,
        "pages": workload.pages,
        "host_delay_s": delay,
        "latency_s": LATENCY_SECONDS,
        "requests_served": served,
        "bound_pages_per_s": workload.pages / bound_s,
        "achieved_pages_per_s": workload.pages / achieved_s,
        "wall_s": run.seconds,
        "in_flow_s": run.in_flow_seconds,
        "ratio_to_bound": bound_s / achieved_s,
        "extraction_bound_pages_per_s": ctx.results.get("bound", {}).get("bound_pages_per_s"),
    }


def _in_flow(run: IngestRun) -> float:
    """The run's in-flow seconds (its wall time if the run table has none)."""
    return run.in_flow_seconds if run.in_flow_seconds is not None else run.seconds
