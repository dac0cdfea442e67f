"""`qawl add` end to end, as a user runs it: a folder of saved pages, a WARC file made with warcio and a
JSONL/CSV/Parquet dump become seeds and sidecars that `qawl build` publishes with their titles, URLs and
dates; adding the same sources again adds nothing and says so."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from qawl.project import Project
from tests.add.sources import PAGES, news_page, story, write_dumps, write_warc
from tests.conftest import REPO, invoke_qawl, requires_ray, run_qawl, run_qawl_on_a_terminal, tree_digest
from tests.test_gold_splits import published

DUMP_ROWS = [
    {
        "id": "api-2024-0001",
        "title": "افتتاح مستشفى جديد في الموصل",
        "url": "https://api.example/news/2024/0001",
        "date": "2024-02-01T08:30:00Z",
        "text": "افتتحت وزارة الصحة العراقية يوم الخميس مستشفى جديداً في مدينة الموصل بسعة ثلاثمئة سرير، بعد سنوات من تدمير المنشآت الصحية في المدينة خلال المعارك.\nوقال مدير صحة نينوى إن المستشفى سيخدم أكثر من مليون نسمة في الجانب الأيمن من المدينة.\n",
    },
    {
        "id": "api-2024-0002",
        "title": "معرض الرياض للكتاب يستقبل زواره",
        "url": "https://api.example/news/2024/0002",
        "date": "2024-10-03",
        "text": "فتح معرض الرياض الدولي للكتاب أبوابه أمام الزوار بمشاركة أكثر من ألفي دار نشر من ثلاثين دولة، وسط إقبال كبير من العائلات والطلاب.\nويتضمن برنامج المعرض ندوات وأمسيات شعرية وورش عمل للأطفال على مدى عشرة أيام.\n",
    },
    {
        "id": "api-2024-0003",
        "title": "أمطار غزيرة تغرق شوارع الإسكندرية",
        "url": "https://api.example/news/2024/0003",
        "date": "2024-11",
        "text": "غمرت مياه الأمطار الغزيرة عدداً من الشوارع الرئيسية في مدينة الإسكندرية مساء الأحد، ما أدى إلى تعطل حركة المرور لساعات وتعليق الدراسة في بعض المدارس.\nوأعلنت المحافظة رفع حالة الطوارئ ونشر سيارات شفط المياه في الأحياء المتضررة.\n",
    },
]
WARC_PAGES = [
    ("https://wire.example/iraq/kirkuk-market-attack", "إحباط هجوم بسيارة مفخخة في كركوك", "2024-04-07", "wire"),
    ("https://daily.example/news/kirkuk-market-calm", "الهدوء يعود إلى سوق كركوك", "2024-04-08", "same_event_other_story"),
]
ENGLISH_PAGE = news_page("Parliament passes the budget", "https://english.example/budget", "2024-03-12", "The Iraqi parliament passed the 2024 budget on Tuesday after a session of more than ten hours.\nOpposition members said the law gives the government too much room to move funds.", "Daily English")


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sources")
    pages = folder / "saved-pages"
    pages.mkdir()
    for page in PAGES.glob("*.html"):
        shutil.copy(page, pages / page.name)
    (pages / "english.html").write_bytes(ENGLISH_PAGE)
    warc = folder / "crawl.warc.gz"
    responses = [(url, news_page(title, url, date, story(name)), "200 OK", "text/html; charset=utf-8") for url, title, date, name in WARC_PAGES]
    responses += [("https://wire.example/logo.png", b"\x89PNG\r\n", "200 OK", "image/png"), ("https://wire.example/gone", b"<html></html>", "404 Not Found", "text/html")]
    write_warc(warc, responses)
    return {"pages": pages, "warc": warc, **write_dumps(folder / "dumps", DUMP_ROWS)}


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory, sources: dict[str, Path]) -> tuple[Project, str, str]:
    """A project without seeds, `qawl add` run twice on every source, and built: (project, first run's output, second's)."""
    root = tmp_path_factory.mktemp("add") / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "annotations").mkdir()
    arguments = ["add", *(str(path) for path in sources.values()), "--workers", "2"]
    first = invoke_qawl(*arguments, cwd=root)
    assert first.returncode == 0, first.stderr
    before = tree_digest(root / "seeds")
    second = invoke_qawl(*arguments, cwd=root)
    assert second.returncode == 0, second.stderr
    assert tree_digest(root / "seeds") == before
    built = invoke_qawl("build", "--no-preannotate", "--workers", "1", cwd=root)
    assert built.returncode == 0, built.stderr
    return Project(root), first.stdout, second.stdout


def test_the_summary_counts_what_was_added_and_skipped(added: tuple[Project, str, str]) -> None:
    _, first, second = added
    assert first.splitlines() == [
        "added 15 article(s) (0 into a near-duplicate group); 0 already added (nothing done); 0 duplicate(s) of a seed's text (not added)",
        "skipped: WARC request record 4, WARC response not HTML 1, WARC response with HTTP status 404 1, language en 1",
    ]
    assert second.splitlines()[0] == "added 0 article(s) (0 into a near-duplicate group); 15 already added (nothing done); 0 duplicate(s) of a seed's text (not added)"


def test_the_build_publishes_titles_urls_and_dates(added: tuple[Project, str, str]) -> None:
    project, _, _ = added
    documents = {row["doc_id"]: row for (config, _), rows in published(project).items() if config == "documents" for row in rows}
    assert len(documents) == 15
    found = {(row["title"], row["url"], row["published"], row["published_precision"], row["publisher"]) for row in documents.values()}
    for page in PAGES.glob("*.article.json"):
        marked = json.loads(page.read_text(encoding="utf-8"))
        assert any((title, url, date) == (marked["title"], marked["url"], marked["published"]) for title, url, date, _, _ in found), page.name
    assert ("إحباط هجوم بسيارة مفخخة في كركوك", "https://wire.example/iraq/kirkuk-market-attack", "2024-04-07", "exact", "وكالة الأنباء") in found
    assert documents["api-2024-0001"]["published"] == "2024-02-01"
    assert documents["api-2024-0003"]["published"] == "2024-11"
    assert documents["api-2024-0002"]["url"] == "https://api.example/news/2024/0002"
    assert documents["api-2024-0002"]["text"] == DUMP_ROWS[1]["text"]


def test_a_page_is_kept_beside_its_seed_with_the_extractor_that_read_it(added: tuple[Project, str, str]) -> None:
    project, _, _ = added
    doc_id = "rafidain-news.example-politics-2024-03-12-budget-vote-1e7b51c930"
    sidecar = json.loads((project.seeds / f"{doc_id}.meta.json").read_text(encoding="utf-8"))
    assert sidecar["extraction"] == {"extractor": "trafilatura 2.3.1", "dates": "htmldate 1.11.0", "raw": f"raw/{doc_id}.html.gz"}
    assert sidecar["source"] == {"kind": "html", "file": "01-rafidain-budget.html"}
    assert gzip.decompress((project.seeds / sidecar["extraction"]["raw"]).read_bytes()) == (PAGES / "01-rafidain-budget.html").read_bytes()
    warc_sidecar = json.loads(next(project.seeds.glob("wire.example-iraq-kirkuk-market-attack-*.meta.json")).read_text(encoding="utf-8"))
    assert warc_sidecar["source"]["place"] == "record 2 (https://wire.example/iraq/kirkuk-market-attack)"
    assert warc_sidecar["source"]["crawled"]


def test_another_language_is_kept_when_asked(tmp_path: Path, sources: dict[str, Path]) -> None:
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    page = tmp_path / "english.html"
    page.write_bytes(ENGLISH_PAGE)
    done = invoke_qawl("add", str(page), "--keep-other-languages", "--workers", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sidecar = json.loads(next((tmp_path / "seeds").glob("english.example-budget-*.meta.json")).read_text(encoding="utf-8"))
    assert sidecar["language"] == "en"


def test_a_text_file_keeps_the_sidecar_beside_it_and_a_broken_one_is_reported(tmp_path: Path) -> None:
    shutil.copytree(REPO / "schema", tmp_path / "project" / "schema")
    folder = tmp_path / "texts"
    folder.mkdir()
    for name in ("wire", "same_event_other_story"):
        (folder / f"{name}.txt").write_text(story(name), encoding="utf-8")
    (folder / "wire.meta.json").write_text(json.dumps({"title": "إحباط هجوم في كركوك", "published": "2024-04-07", "published_precision": "exact"}, ensure_ascii=False), encoding="utf-8")
    (folder / "same_event_other_story.meta.json").write_text(json.dumps({"published": "7 April"}), encoding="utf-8")
    done = invoke_qawl("add", str(folder), "--workers", "1", cwd=tmp_path / "project")
    assert done.returncode == 1
    assert [line for line in done.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {folder / 'same_event_other_story.meta.json'}: /published: '7 April' does not match '^\\\\d{{4}}(-\\\\d{{2}}(-\\\\d{{2}})?)?$'"
    ]
    sidecar = json.loads((tmp_path / "project" / "seeds" / "wire.meta.json").read_text(encoding="utf-8"))
    assert (sidecar["title"], sidecar["published"], sidecar["source"]) == ("إحباط هجوم في كركوك", "2024-04-07", {"kind": "txt", "file": "wire.txt"})
    assert (tmp_path / "project" / "seeds" / "wire.txt").read_text(encoding="utf-8") == story("wire")
    assert not (tmp_path / "project" / "seeds" / "same_event_other_story.txt").exists()


@pytest.mark.slow
@requires_ray
def test_ray_adds_what_the_process_pool_adds(tmp_path: Path, sources: dict[str, Path]) -> None:
    """The same seeds and sidecars, byte for byte, from `--engine ray` as from the local pool."""
    seeds = {}
    for engine in ("local", "ray"):
        root = tmp_path / engine
        shutil.copytree(REPO / "schema", root / "schema")
        done = run_qawl("add", str(sources["pages"]), str(sources["warc"]), "--engine", engine, "--workers", "2", cwd=root)
        assert done.returncode == 0, done.stderr
        seeds[engine] = tree_digest(root / "seeds")
    assert len(seeds["local"]) == 3 * 12  # per article (10 pages, 2 WARC records): a seed, a sidecar and its page in raw/
    assert seeds["ray"] == seeds["local"]


def test_a_terminal_sees_the_progress_of_a_run(tmp_path: Path, sources: dict[str, Path]) -> None:
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    done, terminal = run_qawl_on_a_terminal("add", str(sources["warc"]), "--workers", "1", cwd=tmp_path)
    assert done.returncode == 0, terminal
    assert "add: " in terminal and "8item" in terminal.replace(" ", "")  # 6 records skipped or added and 2 pages, counted as they go


def test_an_article_near_two_groups_merges_them_in_the_sidecars(tmp_path: Path) -> None:
    """Two halves of a story (one paragraph shared: not near-duplicates), then the whole story in a later run:
    it is near both, so the second half's sidecar now names the first half's group, and the summary says so."""
    shutil.copytree(REPO / "schema", tmp_path / "project" / "schema")
    paragraphs = story("wire").splitlines()
    halves = tmp_path / "halves.jsonl"
    halves.write_text("".join(json.dumps({"id": doc_id, "text": "\n".join(part) + "\n"}, ensure_ascii=False) + "\n" for doc_id, part in (("first", paragraphs[:3]), ("second", paragraphs[2:]))), encoding="utf-8")
    whole = tmp_path / "whole.jsonl"
    whole.write_text(json.dumps({"id": "whole", "text": story("wire")}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert invoke_qawl("add", str(halves), cwd=tmp_path / "project").returncode == 0
    done = invoke_qawl("add", str(whole), cwd=tmp_path / "project")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "added 1 article(s) (1 into a near-duplicate group); 0 already added (nothing done); 0 duplicate(s) of a seed's text (not added)",
        "1 seed(s) moved into a merged near-duplicate group (their sidecars say so)",
    ]
    groups = {doc_id: json.loads((tmp_path / "project" / "seeds" / f"{doc_id}.meta.json").read_text(encoding="utf-8")).get("duplicate_group") for doc_id in ("first", "second", "whole")}
    assert groups == {"first": None, "second": "first", "whole": "first"}
