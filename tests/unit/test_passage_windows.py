"""Sentence windows of long answers (FusionWeights.passage_windows; off by default)."""
from faq_service.retrieval.index import EntryDoc, FusionWeights, units_of, windows_of

THAI = " ".join(f"ประโยคที่{n} มีเนื้อหาเกี่ยวกับการประชุมและนิทรรศการในประเทศไทย" for n in range(12))


def test_short_text_has_no_windows():
    assert windows_of("สั้น ๆ", 300) == []
    assert windows_of(THAI, 0) == []


def test_windows_cover_the_text_in_order_and_overlap():
    wins = windows_of(THAI, 150)
    assert len(wins) > 2
    assert all(len(w) <= 150 for w in wins)
    assert wins[0].startswith("ประโยคที่0") and wins[-1].endswith("ประเทศไทย")
    assert "ประโยคที่11" in wins[-1]
    for a, b in zip(wins, wins[1:]):  # each window starts inside the previous one and reaches further
        assert b.split(" ")[0] in a and b != a


def test_english_sentences_are_kept_whole():
    text = " ".join(f"Sentence number {n} is about exhibitions." for n in range(20))
    for w in windows_of(text, 100):
        assert w.startswith("Sentence number") and w.endswith("exhibitions.")


def test_units_of_adds_windows_only_when_asked():
    doc = EntryDoc(1, 1, {"th": "คำถาม"}, {"th": []}, {"th": THAI})
    assert [u.kind for u in units_of(doc)] == ["question", "answer"]
    kinds = [u.kind for u in units_of(doc, 120)]
    assert kinds[:2] == ["question", "answer"] and set(kinds[2:]) == {"window"}
    assert FusionWeights().passage_windows == 0
