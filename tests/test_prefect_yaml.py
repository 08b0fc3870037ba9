"""prefect.yaml: entrypoints import, nothing is machine-specific, triggers match real events."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
import yaml
from prefect import Flow

import flows
from flows import events
from tests.conftest import ROOT

PREFECT_YAML: dict[str, Any] = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
DEPLOYMENTS = PREFECT_YAML["deployments"]
EVENT_NAMES = {value for name, value in vars(events).items() if name.isupper()}


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_entrypoint_is_a_flow(deployment: dict[str, Any]) -> None:
    path, name = deployment["entrypoint"].split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert isinstance(getattr(module, name), Flow)
    assert (ROOT / path).is_file()


def test_every_flow_has_a_deployment() -> None:
    """Each flow newsflow ships can be started from a server (the UI, a schedule or a trigger)."""
    shipped = set()
    for module_info in pkgutil.iter_modules(flows.__path__):
        module = importlib.import_module(f"flows.{module_info.name}")
        shipped |= {
            f"flows/{module_info.name}.py:{name}"
            for name, value in vars(module).items()
            if isinstance(value, Flow) and value.fn.__module__ == module.__name__
        }
    assert shipped == {d["entrypoint"] for d in DEPLOYMENTS}
    assert "flows/reprocess.py:reprocess" in shipped


def test_no_absolute_paths() -> None:
    text = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    assert str(ROOT) not in text
    assert "/home/" not in text and "/work/" not in text


def test_triggers_listen_to_documented_events() -> None:
    triggers = [t for d in DEPLOYMENTS for t in d.get("triggers", [])]
    assert triggers, "at least one stage is started by an event"
    for trigger in triggers:
        assert set(trigger["expect"]) <= EVENT_NAMES
