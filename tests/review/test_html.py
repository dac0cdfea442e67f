"""The HTML review page: escaping, and what real headless Chromium renders."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from qawl.ingest import Document
from qawl.review.html import render_page
from qawl.review.regions import Vocabulary
from qawl.schema import Schemas
from tests.conftest import REPO
from tests.review.conftest import ARTICLE, DOC_ID, GOLD, SILVER, article_layer, run_review

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run installs it)")
SCREENSHOT = REPO / "docs" / "review-page.png"


def vocabulary() -> Vocabulary:
    return Vocabulary.load(Schemas(REPO / "schema"), ["us_coalition_presence_iraq"])


class Tags(HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_article_text_cannot_inject_markup() -> None:
    text = 'قال "الوزير" <script>alert(1)</script> إن "><img src=x onerror=alert(2)> انتهى.\n'
    sha = hashlib.sha256(text.encode()).hexdigest()
    start = text.index("<script>")
    evil = text[start : text.index("</script>") + 9]
    attribute = text[text.index('">') : text.index("انتهى")]
    provenance = {**GOLD, "annotator": '"><b onmouseover=x>'}
    layer = {
        "schema_version": "1.0.0", "doc_id": "evil", "sha256": sha,
        "entities": [{"id": "e1", "start": start, "end": start + len(evil), "text": evil, "label": "ORG", "provenance": provenance}],
        "quotes": [{
            "id": "q1", "type": "indirect",
            "content": {"start": text.index(attribute), "end": text.index(attribute) + len(attribute), "text": attribute},
            "cue": {"start": 0, "end": 3, "text": "قال"}, "speaker": {"kind": "unknown", "mention": None, "entity": None},
            "outlet": None, "provenance": provenance,
        }],
        "stance": [],
    }
    page = render_page(Document("evil", text, sha, "seeds/evil.txt", {"title": "<script>x</script>"}), "gold", layer, vocabulary())
    assert "<script" not in page and "<img" not in page and "<b " not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    parser = Tags()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags} <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "code", "span", "div", "article", "mark", "table", "caption", "tr", "th", "td"}
    assert not any(key in ("src", "href", "onerror", "onmouseover") for _, attrs in parser.tags for key in attrs)
    mark = next(attrs for tag, attrs in parser.tags if tag == "mark")
    assert '"><b onmouseover=x>' in mark["title"]  # the quote stayed inside the attribute value
    assert not re.search(r"https?:|url\(|@import", page)  # nothing to fetch


def test_gold_and_silver_are_told_apart() -> None:
    document = Document(DOC_ID, ARTICLE, article_layer(GOLD)["sha256"], "seeds/rev_001.txt", {})
    gold = render_page(document, "gold", article_layer(GOLD), vocabulary())
    silver = render_page(document, "silver", article_layer(SILVER), vocabulary())
    assert 'class="ent ent-GPE"' in gold and 'class="ent ent-GPE silver"' in silver
    assert "status-gold" in gold and "status-silver" in silver and "not reviewed" in silver


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--hide-scrollbars",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


# Measures the page after layout and writes the figures into the DOM that --dump-dom prints.
PROBE = """
<script>
const article = document.querySelector("article");
const marks = [...article.querySelectorAll("mark.ent")];
function width(node, start, end) {
  const range = document.createRange();
  range.setStart(node.firstChild ? node.firstChild : node, start);
  range.setEnd(node.firstChild ? node.firstChild : node, end);
  return range.getBoundingClientRect().width;
}
// A word split by a mark (proclitic outside the entity) must be as wide as the same word unsplit:
// if the element boundary broke the joining, letters would take isolated forms and change width.
const joins = marks.map(mark => {
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  let previous = null, node;
  while ((node = walker.nextNode()) && !mark.contains(node)) previous = node;
  const prefix = previous ? previous.data.match(/[\\u0600-\\u06ff]+$/) : null;
  if (!prefix) return null;
  const range = document.createRange();
  range.setStart(previous, previous.data.length - prefix[0].length);
  range.setEndAfter(mark);
  const probe = document.createElement("span");
  probe.textContent = prefix[0] + mark.textContent;
  article.appendChild(probe);
  const plain = width(probe, 0, probe.textContent.length);
  probe.remove();
  return {word: prefix[0] + mark.textContent, split: range.getBoundingClientRect().width, plain: plain};
}).filter(Boolean);
const result = {
  dir: document.documentElement.dir,
  lang: document.documentElement.lang,
  direction: getComputedStyle(article).direction,
  marks: marks.map(m => ({id: m.dataset.id, text: m.textContent, background: getComputedStyle(m).backgroundColor,
                          padding: getComputedStyle(m).paddingLeft + " " + getComputedStyle(m).paddingRight,
                          right: m.getBoundingClientRect().right})),
  articleRight: article.getBoundingClientRect().right,
  articleLeft: article.getBoundingClientRect().left,
  joins: joins,
};
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify(result);
document.body.appendChild(out);
</script>
"""


def laid_out(html: str, probe: str, probed: Path, *window: str, profile: Path) -> dict[str, Any]:
    """What `probe` (a script that writes JSON into <pre id="probe">) measures in `html` as Chromium lays it out."""
    # the page forbids scripts (Content-Security-Policy); the probe copy drops that header only
    probed.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace("</body>", probe + "</body>"), encoding="utf-8")
    dumped = chromium(*window, "--virtual-time-budget=5000", "--dump-dom", probed.as_uri(), profile=profile)
    assert dumped.returncode == 0, dumped.stderr
    match = re.search(r'<pre id="probe">(.*?)</pre>', dumped.stdout, re.S)
    assert match, dumped.stdout[-2000:]
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


@needs_chromium
def test_chromium_renders_the_page_right_to_left_with_one_highlight_per_entity(review_project, tmp_path: Path) -> None:
    project = review_project()
    out = project.root / "html"
    exported = run_review(project, "export", "--format", "html", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    page = out / f"{DOC_ID}.html"
    html = page.read_text(encoding="utf-8")
    result = laid_out(html, PROBE, tmp_path / "probed.html", profile=tmp_path / "profile")
    layer = article_layer(GOLD)
    assert (result["dir"], result["lang"], result["direction"]) == ("rtl", "ar", "rtl")
    assert [(m["id"], m["text"]) for m in result["marks"]] == [(e["id"], e["text"]) for e in layer["entities"]]
    assert all(m["background"] not in ("rgba(0, 0, 0, 0)", "transparent") and m["padding"] == "0px 0px" for m in result["marks"])
    # right-to-left: the first entity of the heading sits nearer the right edge than the left
    first = result["marks"][0]
    assert result["articleRight"] - first["right"] < first["right"] - result["articleLeft"]
    joined = {j["word"]: j for j in result["joins"]}
    assert "بالعراق" in joined  # ب outside the entity, inside the word
    for join in joined.values():
        assert abs(join["split"] - join["plain"]) < 0.5, join

    # the unmodified page, with its no-script policy, renders too; QAWL_UPDATE_DOCS=1 refreshes the docs screenshot
    shot = tmp_path / "page.png"
    taken = chromium("--window-size=1000,1300", f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "profile2")
    assert taken.returncode == 0 and shot.stat().st_size > 10_000, taken.stderr
    if os.environ.get("QAWL_UPDATE_DOCS"):
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copy(shot, SCREENSHOT)
