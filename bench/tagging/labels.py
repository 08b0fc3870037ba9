"""A second labeled set for the tagger, split into ``tune`` and ``holdout`` by a hash of the id.

``labels.jsonl`` holds labels only (same rules as shared/corpora/tagging/README.md),
never the third-party text: each row points at a page of the shared extraction corpus
(``source: extraction``, ``page``) or an item of a shared feed (``source: feed``,
``feed``, ``link``), and the text is read from ``../shared`` at run time with the
project's own extractor. The split was fixed before any text was read: an id whose
sha256 starts with 0-6 is ``holdout``. Holdout rows were labeled last and are scored
only to report, never to tune.

That first holdout has since been used while tuning, so it is held out no longer. A
second batch (``batch: 2``, the 54 items of Mistral AI's news feed, title and one-line
summary each) was labeled before the tagger ever ran on it and split by a rule fixed
before any scoring: an id whose sha256, read as a number, is odd is ``holdout2``, else
``tune2``. ``holdout2`` is scored twice only: with the tagger as it was before any
change, and once at the end.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from bench.tagging.evaluate import LabeledArticle, parse_labeled_articles
from transforms.charset import decode_html
from transforms.extract import extract_text

LABELS = Path(__file__).resolve().parent / "labels.jsonl"
DEV_NAMED = Path(__file__).resolve().parent / "dev-named.json"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
EXTRACTION_DIR = SHARED / "extraction" / "trafilatura-eval"
HOLDOUT_PREFIXES = frozenset("0123456")
_BLOCKS = ("p", "li", "h2", "h3", "blockquote")
_SPACE = re.compile(r"\s+")
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def split_of(case_id: str, batch: int = 1) -> str:
    """The split of an id in its batch, decided by the id alone before anyone reads the text."""
    digest = hashlib.sha256(case_id.encode()).hexdigest()
    if batch == 2:
        return "holdout2" if int(digest, 16) % 2 else "tune2"
    return "holdout" if digest[0] in HOLDOUT_PREFIXES else "tune"


def load_split(split: str, labels: Path = LABELS, shared: Path = SHARED) -> list[LabeledArticle]:
    """The labeled articles of one split, their text read from the shared corpora.

    Raises:
        FileNotFoundError: the shared corpora are not there.
        ValueError: a row's split disagrees with the hash of its id.
    """
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line]
    feeds: dict[str, dict[str, tuple[str, str]]] = {}
    lines = []
    for row in rows:
        if row["split"] != split_of(row["id"], row.get("batch", 1)):
            raise ValueError(f"{row['id']}: split {row['split']!r} is not the hashed one")
        if row["split"] != split or row["labels"] is None:
            continue
        if row["source"] == "extraction":
            title, text = "", _page_text(shared, row["page"])
        else:
            feed = feeds.setdefault(row["feed"], _feed_items(shared / row["feed"]))
            title, text = feed[row["link"]]
        lines.append(json.dumps({"id": row["id"], "title": title, "text": text, **row}))
    return parse_labeled_articles(lines)


def _page_text(shared: Path, page_id: str) -> str:
    path = shared / "extraction" / "trafilatura-eval" / "html" / f"{page_id}.html.gz"
    return extract_text(decode_html(gzip.decompress(path.read_bytes()), "")) or ""


def _feed_items(path: Path) -> dict[str, tuple[str, str]]:
    """link -> (title, text) of an RSS feed whose items carry full HTML in content:encoded."""
    items = {}
    # The snapshot starts with a blank line before its XML declaration: parse leniently.
    parser = etree.XMLParser(recover=True)
    for item in etree.fromstring(path.read_bytes().lstrip(), parser).iter("item"):
        body = item.findtext(_CONTENT) or item.findtext("description") or ""
        tree = lxml_html.fromstring(f"<div>{body}</div>")
        paragraphs = (_SPACE.sub(" ", p.text_content()).strip() for p in tree.iter(*_BLOCKS))
        # A one-line plain-text summary has no blocks: it is the whole text.
        text = "\n".join(p for p in paragraphs if p) or _SPACE.sub(" ", tree.text_content()).strip()
        items[item.findtext("link") or ""] = (item.findtext("title") or "", text)
    return items


def splits_present(labels: Path = LABELS) -> Iterable[str]:
    """The splits that have labeled rows."""
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line]
    return sorted({row["split"] for row in rows if row["labels"] is not None})


def dev_named(path: Path = DEV_NAMED) -> dict[str, frozenset[str]]:
    """Dev-set names judged really named though unlabeled, by case id (lower-cased)."""
    named = json.loads(path.read_text(encoding="utf-8"))["named"]
    return {case: frozenset(n.lower() for n in names) for case, names in named.items()}
