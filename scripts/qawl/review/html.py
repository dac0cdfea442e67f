"""A self-contained right-to-left HTML review page per document (no network, no script).

Entities are one `<mark class="ent ent-LABEL">` each, coloured by type; quote
parts (content, cue, speaker, outlet) and stance evidence are styled spans (a
quotation over several sentences is marked in each; a discontinuous one marks its
parts and leaves the author's words between them unmarked; hovering a nested quote
says which quote reports it);
the mentions of an entity chain share a bar in a hue of the chain's own (hover
names the chain and its mentions), and a table lists the chains;
silver annotations are striped, gold ones plain. Highlights use only
backgrounds, shadows and underlines: nothing that changes the font, or adds
padding or margins, so an element boundary inside a word keeps Arabic letters
joined. Every piece of text and every attribute value is escaped. Left-to-right
strings (ids, labels, provenance) and each stance line sit in their own isolated
bidi runs (`dir` on an element isolates it), so wrapping a right-to-left cell
cannot move a label next to another target.
"""

from __future__ import annotations

from html import escape
from typing import Any

from qawl.ingest import Document
from qawl.merge import Layer, quote_parts
from qawl.review.regions import CONTENT, CUE, EVIDENCE, LABEL_COLORS, OUTLET, QUOTE_PARTS, SPEAKER, Vocabulary

PART_NAMES_AR = {CONTENT: "نص الاقتباس", CUE: "فعل القول", SPEAKER: "القائل", OUTLET: "الوسيلة", EVIDENCE: "دليل الموقف"}
STATUS_TEXT = {
    "gold": "gold: reviewed by a person",
    "silver": "silver: automatic pre-annotation, not reviewed",
    "empty": "not annotated",
}

STYLE = """
:root { color-scheme: light; }
body { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", sans-serif; color: #111; background: #fff;
       max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 2.3; }
h1 { font-size: 1.5rem; line-height: 1.6; margin: 0 0 .5rem; }
.meta, .legend, table { font-size: .9rem; }
.meta code { direction: ltr; unicode-bidi: isolate; }
.status { display: inline-block; padding: 0 .6em; border: 1px solid #888; }
.status-gold { background: #fff3c4; }
.status-silver, .status-empty { background: #eee; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; border: 1px solid #ddd; padding: .3rem .8rem; margin: 1rem 0; }
.text { white-space: pre-wrap; font-size: 1.3rem; border-top: 1px solid #ddd; padding-top: 1rem; }
mark.ent, .part { color: inherit; padding: 0; margin: 0; border: 0; border-radius: 0; font: inherit; letter-spacing: normal; }
.silver { background-image: repeating-linear-gradient(135deg, transparent 0 5px, rgba(0, 0, 0, .22) 5px 7px); }
.p-content { background-color: %(content)s; box-shadow: inset 0 2px 0 #2b6cb0; }
mark .p-content { background-color: transparent; }
.p-evidence { text-decoration: underline dotted 3px #2f855a; }
.p-outlet { text-decoration: underline dashed 2px #0e7490; }
.p-speaker { text-decoration: underline double 3px #c05621; }
.p-cue { text-decoration: underline solid 3px #c53030; }
.part, mark.ent { text-decoration-skip-ink: none; text-underline-offset: .45em; }
.q-end::after { content: attr(data-quote); font-size: .65em; vertical-align: super; color: #2b6cb0; }
.q-stance { font-size: .6em; color: #2f855a; line-height: 1; }
table { border-collapse: collapse; width: 100%%; margin-top: 1.5rem; line-height: 1.5; }
th, td { border: 1px solid #ccc; padding: .2rem .5rem; vertical-align: top; text-align: start; }
td.id { direction: ltr; unicode-bidi: isolate; }
.stance-line { display: block; }
%(entities)s
"""


def _attrs(**values: str) -> str:
    return "".join(f' {name.rstrip("_").replace("_", "-")}="{escape(value, quote=True)}"' for name, value in values.items())


def _isolated(text: str, direction: str = "ltr") -> str:
    """`text` escaped in an isolated bidi run of its own (`auto`: the direction of its first strong letter)."""
    return f"<span{_attrs(dir=direction)}>{escape(text, quote=True)}</span>"


def _target(stance: dict[str, Any], vocabulary: Vocabulary) -> str:
    """The stance target's Arabic name in an isolated run of its own, its id on hover."""
    return f"<span{_attrs(dir='auto', title=stance['target'])}>{escape(vocabulary.target_name(stance['target']), quote=True)}</span>"


def _stance_line(stance: dict[str, Any], vocabulary: Vocabulary) -> str:
    """One stance as a line of its own: the target's Arabic name, the label, the holder."""
    # no-break spaces keep the label and holder with the name's last word when the name wraps
    return f'<div class="stance-line">{_target(stance, vocabulary)}:&nbsp;{_isolated(stance["label"])}&nbsp;({_isolated(stance["holder"]["kind"])})</div>'


def _provenance(item: dict[str, Any]) -> str:
    p = item["provenance"]
    return f"{p['status']} · {p['source']} · {p['annotator']} · {p['time']}"


def _silver(item: dict[str, Any]) -> str:
    return " silver" if item["provenance"]["status"] == "silver" else ""


GOLDEN_ANGLE = 137.508  # degrees: consecutive chains get hues far apart, however many there are


def _chain_css(layer: Layer) -> str:
    """One class per chain (by its position, never its id): a bar under each mention, in the chain's hue."""
    return "\n".join(
        f".chain-{n} {{ box-shadow: inset 0 -4px 0 hsl({n * GOLDEN_ANGLE % 360:.1f} 75% 40%); }}" for n in range(1, len(layer.get("chains", [])) + 1)
    )


def _chains_by_entity(layer: Layer) -> dict[str, tuple[int, dict[str, Any]]]:
    """Each chained entity's chain, with the chain's position (its CSS class number)."""
    return {entity_id: (n, chain) for n, chain in enumerate(layer.get("chains", []), 1) for entity_id in chain["entities"]}


def _chain_title(chain: dict[str, Any], entities: dict[str, dict[str, Any]]) -> str:
    """What hovering a mention says of its chain: id, canonical name, every mention in text order."""
    return f"chain {chain['id']} {chain['name']}: " + " · ".join(entities[e]["text"] for e in chain["entities"] if e in entities)


def _content_title(quote: dict[str, Any], n: int, of: int) -> str:
    """What hovering a quote's content says: the quote, which part of it, and the quote that reports it."""
    part = f" (part {n} of {of})" if of > 1 else ""
    source = f", reported by {quote['source']}" if quote.get("source") else ""
    return f"{quote['id']} {CONTENT}{part}{source}"


def _parts(layer: Layer) -> list[tuple[int, int, str, str, dict[str, Any]]]:
    """Every quote part and evidence span: (start, end, role, what hovering it says, its quote or stance)."""
    parts = []
    for quote in layer["quotes"]:
        quoted = quote_parts(quote)
        parts += [(span["start"], span["end"], CONTENT, _content_title(quote, n, len(quoted)), quote) for n, span in enumerate(quoted, 1)]
        spans = ((CUE, quote["cue"]), (SPEAKER, quote["speaker"]["mention"]), (OUTLET, quote["outlet"]))
        parts += [(span["start"], span["end"], role, f"{quote['id']} {role}", quote) for role, span in spans if span is not None]
    for stance in layer["stance"]:
        span = stance["evidence"]["span"]
        if span is not None:
            parts.append((span["start"], span["end"], EVIDENCE, f"{stance['id']} {EVIDENCE}", stance))
    return parts


def _quote_stances(layer: Layer, vocabulary: Vocabulary) -> dict[str, str]:
    """Per quote id, its FAVOR/AGAINST stances as a superscript shown where the quote ends (NONE is left to the table)."""
    polar: dict[str, list[str]] = {}
    for stance in layer["stance"]:
        quote = stance["evidence"]["quote"]
        if quote is not None and stance["label"] != "NONE":
            polar.setdefault(quote, []).append(f"{_target(stance, vocabulary)}:&nbsp;{_isolated(stance['label'])}")
    return {quote: f'<sup class="q-stance" dir="rtl">[{"؛ ".join(lines)}]</sup>' for quote, lines in polar.items()}


def _body(text: str, layer: Layer, vocabulary: Vocabulary) -> str:
    """The article text with entity marks and quote-part spans (each quote's polar stances where it ends), escaped."""
    parts = _parts(layer)
    stances = _quote_stances(layer, vocabulary)
    entities = {e["start"]: e for e in layer["entities"]}
    by_id = {e["id"]: e for e in layer["entities"]}
    chains = _chains_by_entity(layer)
    quote_ends = {q["content"]["end"]: q["id"] for q in layer["quotes"] if q["content"]["end"] == len(text) or not text[q["content"]["end"]].isalpha()}
    cuts = sorted({0, len(text), *entities, *(e["end"] for e in layer["entities"]), *(p[0] for p in parts), *(p[1] for p in parts)})
    starting: dict[int, list[int]] = {}
    for index, part in enumerate(parts):
        starting.setdefault(part[0], []).append(index)
    active: set[int] = set()  # the parts open over the current segment: a sweep, not a scan of every part per segment
    out: list[str] = []
    open_until = None
    for a, b in zip(cuts, cuts[1:]):
        active = {i for i in active.union(starting.get(a, ())) if parts[i][1] > a}
        entity = entities.get(a)
        if entity is not None:
            title = f"{entity['label']} {entity['id']} · {_provenance(entity)}"
            classes = f"ent ent-{entity['label']}{_silver(entity)}"
            if entity["id"] in chains:
                n, chain = chains[entity["id"]]
                title += f" · {_chain_title(chain, by_id)}"
                classes += f" chain chain-{n}"
            out.append(f"<mark{_attrs(class_=classes, data_id=entity['id'], title=title)}>")
            open_until = entity["end"]
        covering = [parts[i] for i in sorted(active)]
        segment = escape(text[a:b], quote=True)
        if covering:
            roles = sorted({p[2] for p in covering}, key=QUOTE_PARTS.index, reverse=True)
            classes = "part " + " ".join(f"p-{role}" for role in roles) + max(_silver(p[4]) for p in covering)
            title = "; ".join(p[3] for p in covering)
            extra = {"data_quote": quote_ends[b]} if b in quote_ends and any(p[2] == CONTENT and p[1] == b for p in covering) else {}
            if extra:
                classes += " q-end"
            segment = f"<span{_attrs(class_=classes, title=title, **extra)}>{segment}</span>" + (stances.get(extra["data_quote"], "") if extra else "")
        out.append(segment)
        if b == open_until:
            out.append("</mark>")
            open_until = None
    return "".join(out)


def _cells(cells: list[tuple[str, str]]) -> str:
    """Table cells from (markup, class) pairs; the markup is escaped already."""
    return "".join(f"<td{_attrs(class_=css) if css else ''}>{markup}</td>" for markup, css in cells)


def _quoted_text(quote: dict[str, Any]) -> str:
    """A quote's words for the table: its parts with an ellipsis for each gap, and the quote that reports it."""
    text = " … ".join(escape(part["text"], quote=True) for part in quote_parts(quote))
    source = quote.get("source")
    return text + (" " + _isolated(f"(reported by {source})") if source else "")


def _quote_rows(layer: Layer, vocabulary: Vocabulary) -> str:
    entities = {e["id"]: e for e in layer["entities"]}
    chains = {chain["id"]: (n, chain) for n, chain in enumerate(layer.get("chains", []), 1)}
    stance_by_quote: dict[str, list[str]] = {}
    rows = []
    for stance in layer["stance"]:
        evidence = stance["evidence"]["quote"]
        if evidence is not None:
            stance_by_quote.setdefault(evidence, []).append(_stance_line(stance, vocabulary))
    for quote in layer["quotes"]:
        speaker = quote["speaker"]
        kind = f"[{speaker['kind']}]"
        named = entities.get(speaker["entity"] or "")
        who = _isolated(speaker["mention"]["text"], "auto") if speaker["mention"] else "—"
        if named is not None:
            label_and_id = f"({named['label']} {named['id']})"
            who += f" → {_isolated(named['text'], 'auto')} {_isolated(label_and_id)}"
        chain = chains.get(speaker.get("chain"))
        if chain is not None:
            who += f" · <span{_attrs(class_=f'chain-{chain[0]}', dir='auto')}>{escape(chain[1]['name'], quote=True)}</span> {_isolated(chain[1]['id'])}"
        cells = [
            (escape(quote["id"], quote=True), "id"),
            (_isolated(quote["type"]), ""),
            (f"{who} {_isolated(kind)}", ""),
            (escape(quote["cue"]["text"], quote=True) if quote["cue"] else "—", ""),
            (escape(quote["outlet"]["text"], quote=True) if quote["outlet"] else "—", ""),
            (_quoted_text(quote), ""),
            ("".join(stance_by_quote.get(quote["id"], [])) or "—", ""),
            (escape(_provenance(quote), quote=True), "id"),
        ]
        row = _cells(cells)
        rows.append(f'<tr{_attrs(class_="quote" + _silver(quote), data_id=quote["id"])}>{row}</tr>')
    return "\n".join(rows)


def _author_rows(layer: Layer, vocabulary: Vocabulary) -> str:
    rows = []
    for stance in layer["stance"]:
        if stance["evidence"]["span"] is None:
            continue
        target = _target(stance, vocabulary)
        cells = [
            (escape(stance["id"], quote=True), "id"),
            (target, ""),
            (_isolated(stance["label"]), ""),
            (_isolated(stance["holder"]["kind"]), ""),
            (escape(stance["evidence"]["span"]["text"], quote=True), ""),
            (escape(_provenance(stance), quote=True), "id"),
        ]
        row = _cells(cells)
        rows.append(f'<tr{_attrs(class_="stance" + _silver(stance), data_id=stance["id"])}>{row}</tr>')
    return "\n".join(rows)


def _chain_rows(layer: Layer) -> str:
    entities = {e["id"]: e for e in layer["entities"]}
    rows = []
    for n, chain in enumerate(layer.get("chains", []), 1):
        mentions = [entities[e] for e in chain["entities"] if e in entities]
        cells = [
            (f"<span{_attrs(class_=f'chain-{n}')}>{escape(chain['id'], quote=True)}</span>", "id"),
            (escape(chain["name"], quote=True), ""),
            (_isolated(mentions[0]["label"] if mentions else "—"), ""),
            (" · ".join(f"{_isolated(e['text'], 'auto')} {_isolated(e['id'])}" for e in mentions), ""),
            (escape(_provenance(chain), quote=True), "id"),
        ]
        rows.append(f'<tr{_attrs(class_="chain" + _silver(chain), data_id=chain["id"])}>{_cells(cells)}</tr>')
    return "\n".join(rows)


def _legend(vocabulary: Vocabulary) -> str:
    items = [f'<span{_attrs(class_=f"swatch ent-{label}")}>{escape(label)}</span>' for label in vocabulary.entity_labels]
    items += [f'<span{_attrs(class_=f"swatch part p-{role}")}>{escape(PART_NAMES_AR[role])} {_isolated(f"({role})")}</span>' for role in QUOTE_PARTS]
    items.append(f'<span class="swatch status-silver silver" dir="ltr">silver ({_isolated("مخطط: آلي", "rtl")})</span>')
    items.append(f'<span class="swatch status-gold" dir="ltr">gold ({_isolated("بشري", "rtl")})</span>')
    return '<div class="legend" aria-label="legend">' + "".join(items) + "</div>"


def render_page(document: Document, base_kind: str, layer: Layer, vocabulary: Vocabulary) -> str:
    """The review page of one document and its layer, as one self-contained HTML string."""
    entity_css = "\n".join(f".ent-{label} {{ background-color: {LABEL_COLORS[label]}; }}" for label in vocabulary.entity_labels)
    style = STYLE % {"content": LABEL_COLORS[CONTENT] + "80", "entities": entity_css + "\n" + _chain_css(layer)}
    title = document.metadata.get("title") or document.doc_id
    counts = f'{len(layer["entities"])} entities, {len(layer.get("chains", []))} chains, {len(layer["quotes"])} quotes, {len(layer["stance"])} stances'
    head = (
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{escape(title)}</title>\n<style>{style}</style>"
    )
    quote_head = "<tr><th>id</th><th>النوع</th><th>القائل</th><th>فعل القول</th><th>الوسيلة</th><th>النص</th><th>الموقف</th><th>المصدر</th></tr>"
    chain_head = "<tr><th>id</th><th>الاسم</th><th>النوع</th><th>الإشارات</th><th>المصدر</th></tr>"
    author_head = "<tr><th>id</th><th>الهدف</th><th>الموقف</th><th>صاحب الموقف</th><th>الدليل</th><th>المصدر</th></tr>"
    body = (
        f"<header><h1>{_isolated(title, 'auto')}</h1>\n"
        f'<p class="meta"><code>{escape(document.doc_id)}</code> · sha256 <code>{escape(document.sha256[:16])}…</code> · '
        f'<span{_attrs(class_=f"status status-{base_kind}", dir="ltr")}>{escape(STATUS_TEXT[base_kind])}</span> · '
        f"{_isolated(counts)}</p></header>\n"
        f"{_legend(vocabulary)}\n"
        f'<article class="text" lang="ar" dir="rtl">{_body(document.text, layer, vocabulary)}</article>\n'
        f'<table class="quotes"><caption>الاقتباسات والموقف</caption>\n{quote_head}\n{_quote_rows(layer, vocabulary)}\n</table>\n'
        f'<table class="chains"><caption>سلاسل الكيانات</caption>\n{chain_head}\n{_chain_rows(layer)}\n</table>\n'
        f'<table class="author-stance"><caption>موقف الكاتب وأدلة الموقف</caption>\n{author_head}\n{_author_rows(layer, vocabulary)}\n</table>'
    )
    return f'<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n'
