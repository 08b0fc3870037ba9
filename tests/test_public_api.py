"""Each package's public API is pinned: a change here is a deliberate change of the API.

The __all__ of connectors and transforms is what flows use of them, no more and no less, and
flows import those names from the package, not from its modules.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PINNED = {
    "connectors": [
        "Failure",
        "FeedPoll",
        "FeedState",
        "HistoryPages",
        "HttpPolicy",
        "PageRequest",
        "PageStream",
        "RawDocument",
        "SEED_SOURCE",
        "Source",
        "SourcesError",
        "fetch_feeds",
        "fetch_history_pages",
        "fetch_pages",
        "iter_seed_documents",
        "parse_networks",
        "plan_next_polls",
        "read_sources",
        "redact_text",
        "serve_folder",
        "utcnow",
    ],
    "transforms": [
        "DEFAULT_WORKERS",
        "DocumentList",
        "EXTRACTION_TIMEOUT_S",
        "RawPage",
        "StreamTransformer",
        "TAGGER_VERSION",
        "TaggedArticle",
        "TransformedBatch",
        "assign_stories",
        "canonical_links",
        "split_results",
        "start_worker_server",
        "stop_worker_server",
        "tag_article",
        "to_raw_document",
        "transform_documents",
    ],
}


def _flows_imports(package: str) -> list[tuple[str, str]]:
    """(module, name) for every name a flows module imports from ``package``."""
    found = []
    for path in sorted((ROOT / "flows").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.split(".")[0] == package:
                    found += [(node.module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("package", ["connectors", "transforms", "warehouse"])
def test_all_is_sorted_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), name


@pytest.mark.parametrize("package", sorted(PINNED))
def test_all_is_pinned(package: str) -> None:
    assert importlib.import_module(package).__all__ == PINNED[package]


@pytest.mark.parametrize("package", sorted(PINNED))
def test_all_is_what_flows_import_and_flows_import_it_from_the_package(package: str) -> None:
    imports = _flows_imports(package)
    # The settings module is read whole (flows/settings.py overrides its limits).
    names = {name for module, name in imports if (module, name) != (package, "settings")}
    assert sorted(names) == PINNED[package]
    assert [f"{module}.{name}" for module, name in imports if module != package] == []


@pytest.mark.parametrize("package", sorted(PINNED))
def test_each_lazy_name_loads_from_the_module_named_for_it(package: str) -> None:
    module = importlib.import_module(package)
    assert sorted(module._MODULE_OF) == module.__all__
    for name, home in module._MODULE_OF.items():
        assert getattr(module, name) is getattr(importlib.import_module(home), name), name


def test_an_unknown_name_is_an_attribute_error_naming_the_package() -> None:
    with pytest.raises(AttributeError, match="module 'transforms' has no attribute 'nope'"):
        importlib.import_module("transforms").nope  # noqa: B018


def _loaded_after(statement: str, modules: set[str]) -> str:
    """Which of ``modules`` a fresh interpreter has loaded after ``statement``, space-separated."""
    check = f"import sys; {statement}; print(*sorted({modules!r} & set(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return out.stdout.strip()


def test_the_warehouse_and_the_settings_leave_the_extraction_stack_out() -> None:
    # The warehouse takes transforms' records and flows.settings wires the story rule; neither
    # needs trafilatura or lxml (~17 MB for a query command), which transforms' laziness keeps out.
    extraction = {"trafilatura", "lxml"}
    assert _loaded_after("import warehouse, flows.settings", extraction) == ""
