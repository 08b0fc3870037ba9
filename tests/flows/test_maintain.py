"""The maintain-warehouse flow: nothing to do for the embedded warehouse (lake: tests/lake)."""

from __future__ import annotations

import pytest

from flows.maintain import maintain_warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_the_embedded_warehouse_needs_no_maintenance() -> None:
    assert maintain_warehouse() is None
