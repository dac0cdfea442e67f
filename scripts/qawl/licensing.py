"""One licence story for everything a build publishes.

The annotations, segmentation and metadata are under the project's annotation licence
(`license`, `license_name`, `license_url` in schema/dataset.json); each article text keeps
the licence its sidecar records (`license` in `documents`). `licensing` sums the two once
into the manifest's `license` entry, and the card's YAML and prose, Croissant and
corpus/LICENSE.md are all written from that entry, so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

LICENCE_FILE = "LICENSE.md"
UNKNOWN_TEXT_LICENCE = "unknown: the article's sidecar records no licence"
MIXED_LICENCE_NAME = "qawl-annotations-and-publisher-texts"  # the Hub's `license_name` when texts are not under the annotations' licence


def licensing(dataset: dict[str, Any], texts: Counter[tuple[str | None, str | None]]) -> dict[str, Any]:
    """The manifest's `license` entry: the annotations' licence, and the article texts per licence
    statement with their document counts (`texts`: documents per (publisher, licence))."""
    per_licence: Counter[str] = Counter()
    for (_, statement), documents in texts.items():
        per_licence[statement or UNKNOWN_TEXT_LICENCE] += documents
    return {
        "annotations": {"id": dataset["license"], "name": dataset["license_name"], "url": dataset["license_url"]},
        "texts": [{"license": statement, "documents": n} for statement, n in sorted(per_licence.items())],
        "file": LICENCE_FILE,
    }


def texts_under_other_terms(entry: dict[str, Any]) -> bool:
    """Whether any article text is under terms other than the annotations' licence."""
    return any(text["license"] != entry["annotations"]["id"] for text in entry["texts"])


def card_licence(entry: dict[str, Any]) -> dict[str, str]:
    """The card's YAML licence fields: the annotations' licence alone when every text shares it;
    otherwise `other`, named, with a link to the licence file beside the data."""
    if not texts_under_other_terms(entry):
        return {"license": entry["annotations"]["id"]}
    return {"license": "other", "license_name": MIXED_LICENCE_NAME, "license_link": entry["file"]}


def licence_prose(entry: dict[str, Any]) -> str:
    """The licence terms in Markdown: the card's Licensing section and the body of LICENSE.md."""
    annotations = entry["annotations"]
    own = (
        f"The annotations, segmentation and metadata of this corpus are released under "
        f"**{annotations['name']}** (`{annotations['id']}`, {annotations['url']})."
    )
    if not texts_under_other_terms(entry):
        return own + " The article texts are under the same licence."
    texts = "\n".join(f"- {text['documents']} article(s): {text['license']}" for text in entry["texts"])
    return f"""{own}

The article texts are **not** covered by that licence: each stays under the terms recorded
for it in the `license` field of the `documents` config (from its sidecar):

{texts}

Check those terms before redistributing the texts."""


def write_licence(out_dir: Path, entry: dict[str, Any]) -> str:
    """LICENSE.md into the corpus being built; its path relative to `out_dir`."""
    (out_dir / LICENCE_FILE).write_text(f"# Licence\n\n{licence_prose(entry)}\n", encoding="utf-8")
    return LICENCE_FILE
