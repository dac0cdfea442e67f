"""Run from the repo root: .venv/bin/python annotations/passes/agreement-xquote-b.py
Pools batch10's 12 tune articles (first pass = the devset gold, pass B = passes/*.xquote-b.json) into one comparison
and writes it to passes/agreement.json as `batch10_first_vs_pass_b`: every span is shifted by a per-document offset and
every id prefixed by its document, so the figures are micro-averaged (counts summed; MUC, B³ and CEAF-e over all
chains, which never cross documents). Stance is left out: pass B copied none."""
import copy, json
from pathlib import Path
from qawl.review.agreement import agreement

PASSES = Path("annotations/passes")
TUNE = Path("annotations/devset/tune")
ENTRY = "batch10_first_vs_pass_b"
SPANS = ("content", "cue", "outlet")


def shifted(layer: dict, offset: int, prefix: str) -> dict:
    layer = copy.deepcopy(layer)
    move = lambda span: span and {**span, "start": span["start"] + offset, "end": span["end"] + offset}
    for e in layer["entities"]:
        e.update(move(e), id=prefix + e["id"])
    for q in layer["quotes"]:
        q.update({k: move(q[k]) for k in SPANS}, id=prefix + q["id"])
        q["parts"] = q.get("parts") and [move(p) for p in q["parts"]]
        q["source"] = q.get("source") and prefix + q["source"]
        sp = q["speaker"]
        sp.update(mention=move(sp.get("mention")), entity=sp.get("entity") and prefix + sp["entity"], chain=sp.get("chain") and prefix + sp["chain"])
    for c in layer["chains"]:
        c.update(id=prefix + c["id"], entities=[prefix + e for e in c["entities"]])
    layer["stance"] = []
    return layer


pooled = {side: {"doc_id": "batch10", "sha256": "-", "entities": [], "quotes": [], "chains": [], "stance": []} for side in "ab"}
docs = []
for i, path in enumerate(sorted(PASSES.glob("dev_b10_*.xquote-b.json"))):
    doc = path.name.split(".")[0]
    docs.append(doc)
    for side, file in (("a", TUNE / f"{doc}.json"), ("b", path)):
        layer = shifted(json.loads(file.read_text(encoding="utf-8")), 10_000 * i, f"{doc}:")
        for kind in ("entities", "quotes", "chains"):
            pooled[side][kind] += layer[kind]
figures = agreement(pooled["a"], pooled["b"])
del figures["doc_id"], figures["stance"]
entry = {"doc_ids": docs, **figures}
path = PASSES / "agreement.json"
recorded = json.loads(path.read_text(encoding="utf-8"))
recorded[ENTRY] = entry
path.write_text(json.dumps(recorded, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(json.dumps(entry, ensure_ascii=False, indent=1))
