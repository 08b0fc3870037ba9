"""Flows: Prefect flows, the CLI and settings; a table of contents over the other layers."""
