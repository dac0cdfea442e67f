"""`qawl add`: web pages, web archives, data dumps and text files in; seeds with sidecars out.

One module per step: `sources` streams what the user gave as candidates (`warc` and
`dumps` read those formats), `prepare` turns one candidate into an article (`html`
extracts a page, `doc_ids` names it, `dedup` signs its text), and `store` writes the
articles that are new into seeds/, with near-duplicate groups recorded in their sidecars.
"""
