"""The lake's lock session: which catalogs have one, and how its setting is read."""

from __future__ import annotations

from warehouse.lake_locks import catalog_locks, parse_conninfo


def test_a_lake_without_a_postgresql_catalog_has_no_catalog_locks() -> None:
    assert catalog_locks("ducklake:sqlite:/tmp/meta.sqlite") is None


def test_the_lake_setting_gives_the_lock_sessions_connect_arguments() -> None:
    target = (
        "ducklake:postgres:dbname=news host=db.internal port = 5433 user=nf "
        "password='a b\\'c' sslmode=require application_name=x"
    )
    assert parse_conninfo(target) == {
        "database": "news",
        "host": "db.internal",
        "port": 5433,
        "user": "nf",
        "password": "a b'c",
        "ssl": "require",
    }
