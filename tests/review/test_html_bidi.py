"""The review page reads right in real headless Chromium: stance labels stay on their targets' lines
after wrapping, ids read left to right, the legend's gold swatch is gold."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from qawl.publish import write_json
from tests.conftest import REPO
from tests.review.conftest import DOC_ID, GOLD, article_layer, run_review
from tests.review.test_html import laid_out, needs_chromium

TARGETS = json.loads((REPO / "annotations" / "targets.json").read_text(encoding="utf-8"))["targets"]
NAMES = {target["id"]: target["name_ar"] for target in TARGETS}
LABELS = ["AGAINST", "FAVOR", "NONE", "FAVOR", "AGAINST"]
# A digit-led id: in a right-to-left heading its digits would jump to the other end unless isolated.
DIGIT_ID = "000_c4096c0fdb543a3e"

# Finds each stance's target name and the label after it in a quote row, and where Chromium drew them.
PROBE = """
<script>
const expected = %(expected)s;
function located(row) {
  const nodes = [], walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
  let node, text = "";
  while ((node = walker.nextNode())) { nodes.push([node, text.length]); text += node.data; }
  function rects(start, end) {
    const range = document.createRange();
    const at = (offset, last) => nodes.filter(([n, base]) => last ? base < offset && offset <= base + n.data.length : base <= offset && offset < base + n.data.length)
      .map(([n, base]) => [n, offset - base])[0];
    range.setStart(...at(start, false)); range.setEnd(...at(end, true));
    return [...range.getClientRects()].filter(r => r.width > 0).map(r => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right}));
  }
  return {text, rects};
}
const rows = expected.map(([quote, stances]) => {
  const row = document.querySelector(`tr.quote[data-id="${quote}"]`);
  const {text, rects} = located(row);
  return stances.map(([name, label]) => {
    const at = text.indexOf(name);
    if (at < 0) return {name, label, found: false};
    const labelAt = text.indexOf(label, at + name.length);
    return {name, label, found: labelAt >= 0, nameRects: rects(at, at + name.length),
            nameEnd: rects(at + name.length - 1, at + name.length)[0], labelRect: labelAt >= 0 ? rects(labelAt, labelAt + label.length)[0] : null};
  });
});
const h1 = located(document.querySelector("h1"));
const h1Text = h1.text;
const chars = [0, h1Text.length - 1].map(i => h1.rects(i, i + 1)[0].left);
const swatch = [...document.querySelectorAll(".legend *")].find(e => e.textContent.startsWith("gold"));
const person = document.createElement("mark"); person.className = "ent ent-PERSON"; document.body.appendChild(person);
const status = document.querySelector(".status-gold");
const result = {width: document.documentElement.getBoundingClientRect().width, rows, h1: h1Text, h1FirstLeft: chars[0], h1LastLeft: chars[1],
  swatch: getComputedStyle(swatch).backgroundColor, person: getComputedStyle(person).backgroundColor,
  statusGold: getComputedStyle(status).backgroundColor};
const out = document.createElement("pre"); out.id = "probe"; out.textContent = JSON.stringify(result); document.body.appendChild(out);
</script>
"""


def many_stances() -> dict[str, Any]:
    """The test article's gold layer with a stance on every target for q1, and two for q2."""
    layer = copy.deepcopy(article_layer(GOLD))
    for n, (target, label) in enumerate(zip(NAMES, LABELS), 10):
        if target != "us_coalition_presence_iraq":
            layer["stance"].append({
                "id": f"s{n}", "target": target, "label": label, "holder": {"kind": "speaker", "quote": "q1"},
                "evidence": {"quote": "q1", "span": None}, "provenance": dict(GOLD),
            })
    layer["stance"].append({
        "id": "s20", "target": "state_monopoly_on_arms", "label": "NONE", "holder": {"kind": "speaker", "quote": "q2"},
        "evidence": {"quote": "q2", "span": None}, "provenance": dict(GOLD),
    })
    return layer


def probe(page: Path, expected: list[Any], width: int, tmp_path: Path) -> dict[str, Any]:
    """What Chromium lays out for `page` `width` pixels wide."""
    # headless Chromium opens no window narrower than 500 px: a narrower page is pinned by the root's width
    script = f"<style>html {{ width: {width}px; }}</style>" + PROBE % {"expected": json.dumps(expected, ensure_ascii=False)}
    return laid_out(
        page.read_text(encoding="utf-8"), script, tmp_path / f"{page.stem}.{width}.html",
        f"--window-size={max(width, 500)},3000", profile=tmp_path / f"profile{width}",
    )


def on_its_line(stance: dict[str, Any], others: list[dict[str, Any]]) -> bool:
    """The label sits on the line where its target's name ends, nearer that name than any other on the line."""
    label, end = stance["labelRect"], stance["nameEnd"]
    middle = (label["top"] + label["bottom"]) / 2
    if not end["top"] <= middle <= end["bottom"]:
        return False

    def gap(rect: dict[str, float]) -> float:
        return max(rect["left"] - label["right"], label["left"] - rect["right"], 0)

    same_line = [o for o in others if o["found"] and any(r["top"] <= middle <= r["bottom"] for r in o["nameRects"])]
    return all(gap(end) <= min(gap(r) for r in o["nameRects"] if r["top"] <= middle <= r["bottom"]) for o in same_line)


@needs_chromium
@pytest.mark.parametrize("width", [360, 1000])
def test_every_stance_label_stays_on_its_targets_line_and_ids_read_left_to_right(review_project, tmp_path: Path, width: int) -> None:
    project = review_project(extra={DIGIT_ID: "قال الوزير إن الزيارة مهمة.\n"})
    write_json(project.annotations / f"{DOC_ID}.json", many_stances())
    out = project.root / "html"
    exported = run_review(project, "export", "--format", "html", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    layer = many_stances()
    expected = [[quote, [[NAMES[s["target"]], s["label"]] for s in layer["stance"] if s["evidence"]["quote"] == quote]] for quote in ("q1", "q2")]
    result = probe(out / f"{DOC_ID}.html", expected, width, tmp_path)
    assert result["width"] == width
    stances = [stance for row in result["rows"] for stance in row]
    assert len(stances) == 7 and all(s["found"] for s in stances), [(s["name"], s["label"]) for s in stances if not s["found"]]
    if width == 360:  # the narrow window does wrap target names
        assert any(len({round(r["top"]) for r in s["nameRects"]}) > 1 for s in stances)
    for row in result["rows"]:
        for stance in row:
            assert on_its_line(stance, [o for o in row if o is not stance]), json.dumps(stance)
    # the legend's gold swatch shows the colour of gold, not an entity's
    assert result["swatch"] == result["statusGold"] != result["person"]

    heading = probe(out / f"{DIGIT_ID}.html", [], width, tmp_path)
    assert heading["h1"] == DIGIT_ID
    assert heading["h1FirstLeft"] < heading["h1LastLeft"]  # "0" of 000 drawn left of the final "e"
