"""Layering: connectors -> transforms -> warehouse -> flows, read from every module's imports.

connectors import no other layer; transforms import connectors' record types and settings
only; the warehouse imports record types (dataclasses, enums, type aliases) from the record
modules of connectors and transforms, never a function; flows may import every layer. Each
package's imports of another are parsed with ``ast`` (function-level imports included).
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import importlib
import typing
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("connectors", "transforms", "warehouse", "flows")
MAY_IMPORT = {
    "connectors": frozenset(),
    "transforms": frozenset({"connectors"}),
    "warehouse": frozenset({"connectors", "transforms"}),  # record types only
    "flows": frozenset({"connectors", "transforms", "warehouse"}),
}
# The modules the warehouse may take record types from. A change here is a deliberate one.
RECORD_MODULES = frozenset({"connectors.records", "transforms.records", "transforms.rawpage"})


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str) -> list[tuple[str, str | None]]:
    """Every (module, imported name) a module imports; the name is None for ``import x.y``."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolved against the importing package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found += [(module, alias.name) for alias in node.names]
    return found


def _layer(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in PACKAGES else None


def _is_record_type(value: object) -> bool:
    """A dataclass, an enum, or a type alias: data shapes, no behaviour."""
    if isinstance(value, type):
        return dataclasses.is_dataclass(value) or issubclass(value, enum.Enum)
    alias_types = getattr(typing, "TypeAliasType", ())  # `type X = ...` from Python 3.12
    return isinstance(value, alias_types) or typing.get_origin(value) is not None


def _cross_layer_imports() -> list[tuple[str, str, str | None]]:
    return [
        (name, module, imported)
        for name in MODULES
        for module, imported in _imports(name)
        if _layer(module) not in (None, _layer(name))
    ]


def test_the_modules_are_found() -> None:
    assert {"connectors.records", "transforms.extract", "warehouse.load", "flows.ingest"} <= set(
        MODULES
    )


def _upward(imports: list[tuple[str, str, str | None]]) -> list[str]:
    return [
        f"{name} imports {module}"
        for name, module, _ in imports
        if _layer(module) not in MAY_IMPORT[str(_layer(name))]
    ]


def _not_records(imports: list[tuple[str, str, str | None]]) -> list[str]:
    wrong = []
    for name, module, imported in imports:
        if _layer(name) != "warehouse":
            continue
        if module not in RECORD_MODULES or imported is None:
            wrong.append(f"{name} imports {module}.{imported or '*'}")
        elif not _is_record_type(getattr(importlib.import_module(module), imported)):
            wrong.append(f"{name} imports {module}.{imported}, which is not a record type")
    return wrong


def test_no_package_imports_a_layer_above_it() -> None:
    assert _upward(_cross_layer_imports()) == []


def test_the_warehouse_imports_only_record_types_from_record_modules() -> None:
    assert _not_records(_cross_layer_imports()) == []


def test_transforms_take_only_records_and_settings_from_connectors() -> None:
    taken = {
        module
        for name, module, _ in _cross_layer_imports()
        if _layer(name) == "transforms" and _layer(module) == "connectors"
    }
    assert taken <= RECORD_MODULES | {"connectors.settings"}


def test_the_checks_catch_each_kind_of_wrong_import() -> None:
    imports: list[tuple[str, str, str | None]] = [
        ("connectors.feeds", "transforms.normalise", "canonical_url"),
        ("transforms.extract", "warehouse.raw", "raw_store_for"),
        ("warehouse.load", "flows.settings", "load_settings"),
        ("warehouse.load", "connectors.polling", "FeedPoll"),  # a record, outside RECORD_MODULES
        ("warehouse.load", "transforms.rawpage", "write_raw_page"),  # a function in one
        ("warehouse.load", "connectors.records", None),  # import connectors.records
        ("warehouse.load", "transforms.records", "Article"),  # fine
        ("flows.ingest", "warehouse.load", "load_batch"),  # fine
    ]
    assert _upward(imports) == [
        "connectors.feeds imports transforms.normalise",
        "transforms.extract imports warehouse.raw",
        "warehouse.load imports flows.settings",
    ]
    assert _not_records(imports) == [
        "warehouse.load imports flows.settings.load_settings",
        "warehouse.load imports connectors.polling.FeedPoll",
        "warehouse.load imports transforms.rawpage.write_raw_page, which is not a record type",
        "warehouse.load imports connectors.records.*",
    ]


def test_the_record_modules_exist_and_hold_records() -> None:
    for module in sorted(RECORD_MODULES):
        records = [
            value
            for value in vars(importlib.import_module(module)).values()
            if getattr(value, "__module__", None) == module and _is_record_type(value)
        ]
        assert records, module


def test_there_is_no_import_cycle_between_packages() -> None:
    edges = {package: set() for package in PACKAGES}
    for name, module, _ in _cross_layer_imports():
        edges[str(_layer(name))].add(str(_layer(module)))
    visiting: list[str] = []
    done: set[str] = set()

    def visit(package: str) -> None:
        assert package not in visiting, " -> ".join([*visiting, package])
        if package in done:
            return
        visiting.append(package)
        for target in sorted(edges[package]):
            visit(target)
        visiting.pop()
        done.add(package)

    for package in PACKAGES:
        visit(package)
