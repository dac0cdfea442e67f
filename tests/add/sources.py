"""Sources for `qawl add` tests, made as a user's would be: pages, a WARC file written with warcio, dumps."""

from __future__ import annotations

import csv
import json
from io import BytesIO
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import REPO

STORIES = REPO / "tests" / "fixtures" / "near_duplicates"
PAGES = REPO / "tests" / "fixtures" / "pages"


def news_page(title: str, url: str, published: str, body: str, site: str = "وكالة الأنباء") -> bytes:
    """A page of a news site: its menu, the article, a share bar and a comment form around it."""
    paragraphs = "\n".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} - {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<link rel="canonical" href="{url}"><meta property="article:published_time" content="{published}T10:00:00+03:00"></head>
<body><nav><a href="/">الرئيسية</a> <a href="/news">أخبار</a> <a href="/sport">رياضة</a></nav>
<article><h1>{title}</h1><div class="share">Facebook X WhatsApp</div><div class="article-body">{paragraphs}</div></article>
<div class="comments"><h3>اترك تعليقاً</h3><form><textarea></textarea></form></div><footer>© {site}</footer></body></html>""".encode()


def write_warc(path: Path, responses: list[tuple[str, bytes, str, str]], compressed: bool = True) -> None:
    """A WARC file (gzipped per record by default): a request and a response record per (url, body, status, content type)."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=compressed)
        for url, body, status, content_type in responses:
            request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers))


def story(name: str) -> str:
    return (STORIES / f"{name}.txt").read_text(encoding="utf-8")


def write_dumps(folder: Path, rows: list[dict[str, str]]) -> dict[str, Path]:
    """The same rows as JSONL, CSV and Parquet, one third of them in each."""
    folder.mkdir(parents=True, exist_ok=True)
    jsonl, csv_file, parquet = folder / "api.jsonl", folder / "export.csv", folder / "archive.parquet"
    jsonl.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows[0::3]), encoding="utf-8")
    with csv_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[1::3])
    pq.write_table(pa.Table.from_pylist(rows[2::3]), parquet)
    return {"jsonl": jsonl, "csv": csv_file, "parquet": parquet}
