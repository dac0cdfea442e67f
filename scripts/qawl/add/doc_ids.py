"""Stable doc_ids: from an article's URL, the id a dump gives it, or its file name — never from its position.

The same source always gives the same doc_id. A key already of the allowed form
(ingest.DOC_ID) is kept as it is; any other is made of its ASCII letters and digits
and a short hash of the whole key, so two keys that differ only in what was dropped
(Arabic letters, '/', '?') still get two ids.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from qawl.ingest import DOC_ID, DOC_ID_FORBIDDEN, RESERVED_DOC_IDS

HASH_LENGTH = 10  # hex digits: 40 bits, so a collision is expected only past a million keys of one slug
SLUG_LENGTH = 160  # leaves room for the hash within the 200 characters a doc_id may have
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_.-]+")
_TRACKING_PARAMETERS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|ref|amp)$")


def url_key(url: str) -> str:
    """What identifies a page's URL: host (no `www.`, lower case), path, and query without tracking parameters;
    the scheme, fragment and a trailing '/' do not change the article."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMETERS.match(k)])
    return host + parts.path.rstrip("/") + (f"?{query}" if query else "")


def allowed(key: str) -> bool:
    return bool(DOC_ID.fullmatch(key)) and not DOC_ID_FORBIDDEN.search(key) and key not in RESERVED_DOC_IDS


def normalise(key: str) -> str:
    """`key` itself if it is an allowed doc_id, else its ASCII slug and a hash of the whole key."""
    if allowed(key):
        return key
    slug = re.sub(r"\.{2,}", ".", _NOT_ALLOWED.sub("-", key)).strip("-._")[:SLUG_LENGTH].rstrip("-._")
    digest = hashlib.sha256(key.encode()).hexdigest()[:HASH_LENGTH]
    return f"{slug}-{digest}" if slug else f"doc-{digest}"


def derive_doc_id(given_id: str | None, url: str | None, file_stem: str) -> str:
    """The doc_id of an article: from the id its dump gives, else its URL, else the name of its file."""
    if given_id:
        return normalise(given_id)
    if url:
        return normalise(url_key(url))
    return normalise(file_stem)
