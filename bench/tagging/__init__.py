"""Tagging quality and speed: the dev set's scores, a second hashed split, articles per second.

``python -m bench.tagging`` (``make eval-tagging-split``) scores dev, tune and optionally holdout;
``python -m bench.tagging.evaluate`` (``make eval-tagging``) scores one labeled file;
``python -m bench.tagging.speed`` (``make bench-tagging``) measures tagging speed.
"""
