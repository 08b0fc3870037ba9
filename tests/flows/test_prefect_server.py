"""Deployments as a user meets them: a real `prefect server start`, `newsflow deploy`, workers.

One server and two process workers serve the whole module (they cost ~15 s to start);
every run is created through the REST API exactly as the UI does it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from tests.conftest import ROOT
from tests.loopback import LoopbackServer, serve

BIN = Path(sys.executable).parent
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
WORKERS = ("worker-a", "worker-b")
SEEDS = {
    "openai-2024-03-01.md": (
        "---\ntitle: OpenAI opens its weights\nurl: https://example.org/a/openai-weights\n"
        "published: 2024-03-01\n---\nOpenAI released open-source model weights on Friday. "
        "Meta and Google answered within hours.\n"
    ),
    "eu-2024-03-02.md": (
        "---\ntitle: EU AI Act passes\nurl: https://example.org/a/eu-ai-act\n"
        "published: 2024-03-02\n---\nThe European Parliament adopted the EU AI Act, the first "
        "regulation of artificial intelligence, and regulators prepare its enforcement.\n"
    ),
    "chips-2024-04-10.md": (
        "---\ntitle: Nvidia ships chips\nurl: https://example.org/a/nvidia-chips\n"
        "published: 2024-04-10\n---\nNvidia shipped new GPUs for AI training to Microsoft.\n"
    ),
}


PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    + "<p>Paragraph: the lab released an open-weights language model today, and researchers "
    "across the industry started testing it on reasoning benchmarks.</p>"
    * 6
    + "</article></body></html>"
)
# Two feeds that share one story, as outlets syndicating the same wire piece do.
FEEDS = {"/lab.xml": ["/news/model", "/news/chips"], "/wire.xml": ["/news/model", "/news/policy"]}
PAGES = {"/news/model", "/news/chips", "/news/policy"}


@pytest.fixture(scope="module")
def feed_site() -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as site:
        for feed, paths in FEEDS.items():
            items = "".join(
                f"<item><guid>{p}</guid><link>{site.url(p)}</link><title>{p}</title>"
                "<pubDate>Mon, 04 Mar 2024 09:00:00 GMT</pubDate></item>"
                for p in paths
            )
            site.add(
                feed,
                f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(),
            )
        for path in PAGES:
            site.add(
                path, PAGE.format(title=path).encode(), content_type="text/html; charset=utf-8"
            )
        yield site


@dataclass(frozen=True)
class Server:
    """A running Prefect server and the environment its clients need."""

    url: str
    env: dict[str, str]
    db: Path
    seeds: Path

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(check: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _stop(process: subprocess.Popen[bytes], *, signals: int) -> None:
    """SIGTERM a process group; a Prefect 3.9 worker needs a second one to exit."""
    for _ in range(signals):
        if process.poll() is not None:
            break
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, feed_site: LoopbackServer) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("prefect-home")
    seeds = tmp_path_factory.mktemp("seeds")
    for name, text in SEEDS.items():
        (seeds / name).write_text(text, encoding="utf-8")
    sources = home / "sources.yaml"
    sources.write_text(
        "sources:\n"
        + "".join(f"  - {{name: {f[1:-4]}, url: '{feed_site.url(f)}'}}\n" for f in FEEDS),
        encoding="utf-8",
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=f"{url}/api",
        PREFECT_UI_API_URL=f"{url}/api",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5",
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_LOGGING_LEVEL="INFO",
        NEWSFLOW_DB=str(home / "warehouse" / "news.duckdb"),
        NEWSFLOW_SEEDS=str(seeds),
        NEWSFLOW_SOURCES=str(sources),
        NEWSFLOW_ALLOWED_NETWORKS="127.0.0.0/8",  # the loopback feed site
        NEWSFLOW_HOST_DELAY_SECONDS="0",
    )
    process = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=(home / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: _healthy(url), timeout=90, what="the Prefect server")
        yield Server(url, env, Path(env["NEWSFLOW_DB"]), seeds)
    finally:
        _stop(process, signals=1)


def _healthy(url: str) -> bool:
    try:
        with httpx.Client(timeout=2) as client:
            return client.get(f"{url}/api/health").status_code == 200
    except httpx.HTTPError:
        return False


class _RetryUnavailable(httpx.HTTPTransport):
    """Retry 503s as Prefect's own client does: a busy SQLite server answers 503 for a moment."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(20):
            response = super().handle_request(request)
            if response.status_code != 503:
                return response
            response.close()
            time.sleep(0.5)
        return response


@pytest.fixture(scope="module")
def api(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.api_url, timeout=30, transport=_RetryUnavailable()) as client:
        yield client


def _deploy(server: Server) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "newsflow"), "deploy", "--project", str(ROOT)],
        env=server.env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def deployments(server: Server, api: httpx.Client) -> dict[str, dict[str, Any]]:
    result = _deploy(server)
    assert result.returncode == 0, result.stdout + result.stderr
    return {d["name"]: d for d in api.post("/deployments/filter", json={}).json()}


@pytest.fixture(scope="module")
def workers(server: Server, deployments: dict[str, Any]) -> Iterator[None]:
    """Two process workers on the newsflow pool, as on two machines."""
    processes = [
        subprocess.Popen(
            # One run at a time each: two concurrent runs are then on two different workers.
            [str(BIN / "prefect"), "worker", "start", "--pool", "newsflow", "--name", name]
            + ["--limit", "1"],
            env=server.env,
            cwd=server.seeds.parent,  # flow runs must not depend on the worker's folder
            stdout=(server.db.parent.parent / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name in WORKERS
    ]
    try:
        yield
    finally:
        for process in processes:
            _stop(process, signals=2)


def _create_run(api: httpx.Client, deployment: dict[str, Any], parameters: dict[str, Any]) -> str:
    """Create a flow run the way the UI's run form does."""
    response = api.post(
        f"/deployments/{deployment['id']}/create_flow_run",
        json={"parameters": parameters, "state": {"type": "SCHEDULED"}},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _wait_run(api: httpx.Client, run_id: str, timeout: float = 120) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        run: dict[str, Any] = api.get(f"/flow_runs/{run_id}").json()
        return run if run["state_type"] in TERMINAL else None

    result: dict[str, Any] = _wait_for(finished, timeout=timeout, what=f"flow run {run_id}")
    return result


def _query(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Read the analysts' snapshot, as an analyst would: publishes never lock it."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_deploy_is_idempotent_and_sets_up_pool_limit_and_deployments(
    server: Server, api: httpx.Client, deployments: dict[str, dict[str, Any]]
) -> None:
    again = _deploy(server)
    assert again.returncode == 0, again.stderr
    after = {d["name"]: d for d in api.post("/deployments/filter", json={}).json()}
    assert {name: d["id"] for name, d in after.items()} == {
        name: d["id"] for name, d in deployments.items()
    }
    assert {"poll-feeds", "ingest-seeds", "backfill", "reprocess", "retag", "report"} <= set(after)
    assert api.get("/work_pools/newsflow").json()["type"] == "process"
    limit = api.get("/v2/concurrency_limits/warehouse-write").json()
    assert (limit["limit"], limit["active"]) == (1, True)
    [schedule] = after["poll-feeds"]["schedules"]
    assert schedule["schedule"]["cron"] == "*/15 * * * *"
    pull = after["backfill"]["pull_steps"][0]["prefect.deployments.steps.set_working_directory"]
    assert Path(pull["directory"]) == ROOT


def test_backfill_form_parameters_have_types_and_descriptions(
    deployments: dict[str, dict[str, Any]],
) -> None:
    schema = deployments["backfill"]["parameter_openapi_schema"]
    fields = schema["properties"]
    assert schema["required"] == ["start", "end"]
    assert fields["start"]["format"] == fields["end"]["format"] == "date"
    assert fields["mode"]["enum"] == ["reprocess", "refetch"]
    assert all(fields[name]["description"] for name in ("start", "end", "sources", "mode"))


def test_backfill_run_from_the_api_loads_each_day_of_its_window(
    server: Server, api: httpx.Client, deployments: dict[str, dict[str, Any]], workers: None
) -> None:
    submitted = time.monotonic()
    run_id = _create_run(api, deployments["backfill"], {"start": "2024-03-01", "end": "2024-03-05"})
    run = _wait_run(api, run_id)
    print(f"backfill submission to completion: {time.monotonic() - submitted:.1f} s")
    assert run["state_type"] == "COMPLETED", run["state"]["message"]
    assert run["name"] == "backfill-2024-03-01..2024-03-05"
    assert run["parameters"] == {"start": "2024-03-01", "end": "2024-03-05"}
    rows = _query(
        server.db,
        "SELECT title FROM articles WHERE published_at::DATE BETWEEN '2024-03-01' AND '2024-03-05'"
        " AND source = 'seeds' ORDER BY 1",
    )
    assert rows == [("EU AI Act passes",), ("OpenAI opens its weights",)]
    assert _query(server.db, "SELECT status FROM runs WHERE run_id = ?", [run_id]) == [
        ("completed",)
    ]
    tasks = api.post("/task_runs/filter", json={"flow_runs": {"id": {"any_": [run_id]}}}).json()
    days = sorted(t["name"] for t in tasks if t["name"].startswith("day-"))
    assert days == [f"day-2024-03-0{n}" for n in range(1, 6)]
    [artifact] = api.post(
        "/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}
    ).json()
    assert "# backfill-2024-03-01..2024-03-05" in artifact["data"]
    assert "## New and updated articles by topic" in artifact["data"]


INVALID_BACKFILLS = [
    ({"start": "2024-03-05", "end": "2024-03-01"}, "is before start"),
    ({"start": "2024-02-30", "end": "2024-03-01"}, "start"),
    ({"start": "2024-03-01", "end": "2024-03-01", "sources": ["no-such-feed"]}, "no-such-feed"),
]


def test_backfills_with_invalid_input_fail_with_a_clear_message_before_any_day(
    api: httpx.Client, deployments: dict[str, dict[str, Any]], workers: None
) -> None:
    run_ids = [_create_run(api, deployments["backfill"], p) for p, _ in INVALID_BACKFILLS]
    for run_id, (parameters, message) in zip(run_ids, INVALID_BACKFILLS, strict=True):
        run = _wait_run(api, run_id)
        assert run["state_type"] == "FAILED", parameters
        assert message in run["state"]["message"], run["state"]["message"]
        tasks = api.post("/task_runs/filter", json={"flow_runs": {"id": {"any_": [run_id]}}}).json()
        assert not [t for t in tasks if t["name"].startswith("day-")]


def test_scheduled_poll_runs_on_a_worker(
    server: Server, api: httpx.Client, deployments: dict[str, dict[str, Any]], workers: None
) -> None:
    deployment_id = deployments["poll-feeds"]["id"]

    def scheduled() -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = api.post(
            "/flow_runs/filter",
            json={
                "deployments": {"id": {"any_": [deployment_id]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                "sort": "EXPECTED_START_TIME_ASC",
            },
        ).json()
        return runs

    first = _wait_for(scheduled, timeout=60, what="the scheduler")[0]
    assert first["expected_start_time"].endswith(("00:00Z", "15:00Z", "30:00Z", "45:00Z"))
    now = datetime.now(UTC).isoformat()
    response = api.post(
        f"/flow_runs/{first['id']}/set_state",
        json={
            "state": {"type": "SCHEDULED", "state_details": {"scheduled_time": now}},
            "force": True,
        },
    )
    assert response.status_code in (200, 201), response.text
    run = _wait_run(api, first["id"])
    assert run["state_type"] == "COMPLETED", run["state"]["message"]
    assert re.fullmatch(r"poll-\d{4}-\d\d-\d\dT\d\d:\d\d", run["name"])
    polled = _query(server.db, "SELECT DISTINCT source FROM feed_fetches ORDER BY 1")
    assert polled == [("lab",), ("wire",)]


def test_concurrent_runs_on_two_workers_store_each_article_once(
    server: Server, api: httpx.Client, deployments: dict[str, dict[str, Any]], workers: None
) -> None:
    run_ids = [
        _create_run(api, deployments["poll-feeds"], {"force": True}),
        _create_run(api, deployments["poll-feeds"], {"force": True}),
        _create_run(api, deployments["ingest-seeds"], {}),
    ]
    runs = [_wait_run(api, run_id) for run_id in run_ids]
    assert [r["state_type"] for r in runs] == ["COMPLETED"] * 3, [r["state"] for r in runs]
    [(articles, distinct)] = _query(
        server.db, "SELECT count(*), count(DISTINCT canonical_url) FROM articles"
    )
    assert articles == distinct == len(SEEDS) + len(PAGES)
    statuses = _query(
        server.db,
        "SELECT status FROM runs WHERE run_id IN (SELECT unnest(?::VARCHAR[]))",
        [run_ids],
    )
    assert sorted(statuses) == [("completed",)] * 3
    logs = [(server.db.parent.parent / f"{name}.log").read_text() for name in WORKERS]
    assert all(any(f"submitting flow run '{r}'" in log for r in run_ids) for log in logs)


def test_catalog_changed_event_starts_the_triggered_retag(
    server: Server, api: httpx.Client, deployments: dict[str, dict[str, Any]], workers: None
) -> None:
    deployment_id = deployments["retag"]["id"]
    [automation] = api.get(f"/automations/related-to/prefect.deployment.{deployment_id}").json()
    event = {
        "id": str(uuid.uuid4()),
        "occurred": datetime.now(UTC).isoformat(),
        "event": "newsflow.catalog.changed",
        "resource": {"prefect.resource.id": "newsflow.catalog", "prefect.resource.name": "catalog"},
        "payload": {
            "tagger_version": "t2",
            "stale_articles": 1,
            "start": "2024-03-02",
            "end": "2024-03-02",
        },
    }
    assert api.post("/events", json=[event]).status_code == 204

    def triggered() -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = api.post(
            "/flow_runs/filter", json={"deployments": {"id": {"any_": [deployment_id]}}}
        ).json()
        return [r for r in runs if (r.get("created_by") or {}).get("type") == "AUTOMATION"]

    [created] = _wait_for(triggered, timeout=60, what="the automation's run")
    assert created["created_by"]["display_value"] == automation["name"]
    run = _wait_run(api, created["id"])
    assert run["state_type"] == "COMPLETED", run["state"]["message"]
    assert run["parameters"] == {"since": "2024-03-02", "until": "2024-03-02"}
    assert run["name"].startswith("retag-")
    retag_runs = _query(server.db, "SELECT flow, status FROM runs WHERE run_id = ?", [run["id"]])
    assert retag_runs == [("retag", "completed")]


def test_backfill_submitted_from_the_ui_run_form_completes(
    server: Server, api: httpx.Client, deployments: dict[str, dict[str, Any]], workers: None
) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists() or shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser test: apt-get install -y chromium")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    deployment = deployments["backfill"]
    marker = f"March re-run {uuid.uuid4().hex[:8]}"  # a typed name: kept, not replaced
    runs_filter = {"deployments": {"id": {"any_": [deployment["id"]]}}}
    before = {r["id"] for r in api.post("/flow_runs/filter", json=runs_filter).json()}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route(  # the UI calls an analytics host; nothing may leave the machine
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith("http://127.0.0.1")
                    else route.abort()
                ),
            )
            page.goto(f"{server.url}/v2/deployments/deployment/{deployment['id']}/run")
            page.get_by_label("Run Name").fill(marker)
            for day in ("2024-03-01", "2024-03-02"):
                page.get_by_text("Pick a date").first.click()
                typed = page.get_by_placeholder("yyyy-MM-dd")
                typed.fill(day)
                typed.press("Enter")
                page.keyboard.press("Escape")
                typed.wait_for(state="detached")
            # The sync API serves page.route only while a Playwright call is waiting: wait here.
            # A busy SQLite server may answer 503; the form stays, and a user submits again.
            for _ in range(5):
                with page.expect_response(lambda r: "create_flow_run" in r.url) as response:
                    page.get_by_role("button", name="Submit").click()
                if response.value.status != 503:
                    break
                page.wait_for_timeout(1000)
            assert response.value.status == 201
        finally:
            browser.close()
    [created] = [
        r for r in api.post("/flow_runs/filter", json=runs_filter).json() if r["id"] not in before
    ]
    finished = _wait_run(api, created["id"])
    assert finished["state_type"] == "COMPLETED", finished["state"]["message"]
    assert finished["parameters"]["start"] == "2024-03-01"
    assert finished["parameters"]["end"] == "2024-03-02"
    assert finished["name"] == marker


def test_the_run_summary_chart_shows_in_the_prefect_ui(server: Server, api: httpx.Client) -> None:
    from flows.artifacts import TopicsChartDrawer, chart_and_briefing_markdown

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists() or shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser test: apt-get install -y chromium")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    png = TopicsChartDrawer().draw({"regulation": 2, "open-source": 1})
    markdown = "# ingest-summary\n" + chart_and_briefing_markdown(png, None)
    artifact = api.post(
        "/artifacts/", json={"key": "ui-chart", "type": "markdown", "data": markdown}
    ).json()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route(  # nothing may leave the machine
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("http://127.0.0.1", "data:"))
                    else route.abort()
                ),
            )
            page.goto(f"{server.url}/artifacts/artifact/{artifact['id']}")
            image = page.get_by_alt_text("Articles loaded by topic")
            image.wait_for()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
            )
            width = image.evaluate("img => img.naturalWidth")
        finally:
            browser.close()
    assert width > 100  # the PNG decoded and laid out, not a broken-image icon
