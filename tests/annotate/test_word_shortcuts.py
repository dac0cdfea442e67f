"""The per-word shortcuts of the pre-annotator give what the full computation gives (they only save time)."""

from __future__ import annotations

from qawl.annotate.entities import EntityRecognizer
from qawl.annotate.stance import keys
from qawl.annotate.text import NormText
from tests.conftest import REPO


class _EveryForm:
    """A `feature_forms` that holds every reading, so that no word takes the plain-word shortcut."""

    def __contains__(self, form: object) -> bool:
        return True


def test_a_plain_word_gets_the_features_the_full_computation_gives() -> None:
    recognizer = EntityRecognizer()
    recognizer.gold.add("سليم الحداد", "PERSON", ["elsewhere"])  # a gold first word is no plain word either
    texts = [*(REPO / "seeds").glob("*.txt"), *(REPO / "annotations" / "devset").glob("*/*.txt")]
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(texts))
    words = sorted(set(NormText.of(text).words.texts) | {"الحداد", "والحداد", "عبد", "١٤٤٦", "بالسفارة"})
    shortcut = [recognizer._word_features(word) for word in words]
    recognizer.feature_forms = _EveryForm()
    full = [recognizer._word_features(word) for word in words]
    assert [w for w, a, b in zip(words, shortcut, full) if a != b] == []
    assert sum(f.trigger for f in full) > 500 and sum(not f.trigger for f in full) > 2000  # both kinds are compared


def test_keys_strip_proclitics_and_the_longest_suffixes_that_leave_three_letters() -> None:
    """Values of the regex implementation these set lookups replaced."""
    assert keys("والمسءولين") == ("مسءول", "والمسءول")
    assert keys("بانسحابها") == ("انسحاب", "بانسحاب")
    assert keys("الاحتلال") == ("احتلال",)
    assert keys("سيرفضونه") == ("يرفض", "سيرفض")
    assert keys("كتبهما") == ("كتب",)
    assert keys("سياراتها") == ("يار", "سيار")  # ها then ات; not ا then ه (and the future's س goes before ي)
    assert keys("قال") == ("قال",)
