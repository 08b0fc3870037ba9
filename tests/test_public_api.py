"""Each package's public API is pinned: a change here is a deliberate change of the API."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["connectors", "transforms", "warehouse"])
def test_all_is_sorted_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), name
