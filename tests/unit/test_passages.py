"""Passages of documents beside the entries: the sync (version and Bangkok day), the best passage per
question, the rule that lets a passage answer, and the sentences to highlight."""
from dataclasses import replace
from datetime import date

from faq_service.core.db import Database
from faq_service.retrieval.index import Hit, RetrievalIndex, Unit
from faq_service.retrieval.passages import (PassageDoc, PassageHit, PassageIndex, answer_from_document,
                                            highlights, sentence_spans)
from faq_service.retrieval.decision import Decision, DecisionRules, Ranking, decide_with_documents
from tests.unit.test_declines import WEIGHTS
from tests.unit.test_fusion import BagOfWordsEncoder


def _passage(pid, text, lang="en"):
    return PassageDoc(pid, text, lang, "Manual", "Chapter 1", 3, f"/documents/{pid}/file")


class ListedPassages:
    """A source whose passages and version the test sets (the index reads them through a session)."""

    def __init__(self):
        self.seq, self.rows, self.days = 1, [], []

    def version(self, session):
        return self.seq

    def passages(self, session, on):
        self.days.append(on)
        return [p for p in self.rows if p.passage_id != 99 or on < date(2030, 1, 2)]


def _index(tmp_path, source, today):
    return PassageIndex(Database(f"sqlite:///{tmp_path / 'x.db'}"), source,
                        RetrievalIndex([BagOfWordsEncoder()], WEIGHTS), today=lambda: today[0])


def _best(index, question):
    vectors = [BagOfWordsEncoder().encode_queries([question])[0]]
    return index.search_many([question], [vectors], ["en"], [question.split()])[0]


def test_sync_reloads_when_the_version_or_the_day_moves(tmp_path):
    source, today = ListedPassages(), [date(2030, 1, 1)]
    source.rows = [_passage(1, "umbrellas are kept for fourteen days"), _passage(99, "badges expire at noon")]
    index = _index(tmp_path, source, today)
    assert index.sync() == 2 and len(index) == 2
    assert index.sync() == 0 and len(source.days) == 1  # nothing moved: the passages are not read again
    assert _best(index, "badges expire").passage.passage_id == 99
    today[0] = date(2030, 1, 2)  # passage 99's document expired: no change to the version
    assert index.sync() == 1 and len(index) == 1
    assert _best(index, "badges expire").passage.passage_id == 1
    source.seq, source.rows = 2, [_passage(1, "umbrellas are kept for thirty days")]
    assert index.sync() == 1
    assert _best(index, "thirty days").passage.text.endswith("thirty days")
    source.seq, source.rows = 3, []
    assert index.sync() == 1 and _best(index, "umbrellas") is None


def test_stats_count_only_what_each_sync_indexed_or_dropped(tmp_path):
    source, today = ListedPassages(), [date(2030, 1, 1)]
    source.rows = [_passage(1, "umbrellas are kept for fourteen days"), _passage(2, "badges expire at noon")]
    index = _index(tmp_path, source, today)
    assert index.stats() == {"passages": 0, "indexed": 0, "dropped": 0, "texts_encoded": 0,
                             "documents_version": None}
    index.sync()
    assert index.stats() == {"passages": 2, "indexed": 2, "dropped": 0, "texts_encoded": 2, "documents_version": 1}
    source.seq, source.rows = 2, source.rows + [_passage(3, "bags are donated after fourteen days")]
    index.sync()  # one new passage: the other two are neither indexed nor encoded again
    assert index.stats() == {"passages": 3, "indexed": 3, "dropped": 0, "texts_encoded": 3, "documents_version": 2}
    source.seq, source.rows = 3, source.rows[1:]
    index.sync()  # one unpublished: nothing to encode
    assert index.stats() == {"passages": 2, "indexed": 3, "dropped": 1, "texts_encoded": 3, "documents_version": 3}


def test_a_passage_answers_above_its_threshold_ahead_of_declines_and_beats_an_entry_only_by_the_margin():
    hit = PassageHit(_passage(1, "x"), 0.6)
    assert answer_from_document(False, 0.0, hit, 0.0, 0.5, 0.1, None)
    assert not answer_from_document(False, 0.0, hit, 0.0, 0.65, 0.1, None)       # below its threshold
    assert not answer_from_document(False, 0.0, hit, 0.7, 0.5, 0.1, -0.05)      # a decline example is closer
    assert not answer_from_document(True, 0.55, hit, 0.0, 0.5, 0.1, None)       # the entry wins within the margin
    assert answer_from_document(True, 0.45, hit, 0.0, 0.5, 0.1, None)           # clearly better than the entry
    assert not answer_from_document(False, 0.0, None, 0.0, 0.5, 0.1, None)


def test_decision_keeps_the_entries_hits_and_names_the_passage():
    entry = Hit(7, 0.3, 0.3, 0.0, Unit(7, "en", "question", "q"))
    passage = PassageHit(_passage(1, "x"), 0.8)
    ranking = Ranking([entry], 0.1, passage=passage)
    decision = decide_with_documents(ranking, Decision("suggested", [entry], [entry]),
                                     DecisionRules(1.0, 1.0, document_threshold=0.5, document_margin=0.1,
                                                   decline_margin=-0.05))
    assert decision.outcome == "answered_from_document" and decision.passage is passage
    assert decision.suggestions == [] and decision.hits == [entry]
    declined = Decision("declined", [entry])
    no_passage = Ranking([entry], 0.1, passage=None)
    assert decide_with_documents(no_passage, declined, DecisionRules(1.0, 1.0, document_threshold=0.5,
                                                                     document_margin=0.1)) is declined


def test_highlights_are_the_sentences_sharing_most_of_the_question():
    text = "Items are kept at reception. Umbrellas are kept for fourteen days. Ask the coordinator."
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Items are kept at reception.", "Umbrellas are kept for fourteen days.",
                                            "Ask the coordinator."]
    marked = highlights("how many days are umbrellas kept", text)
    assert [text[a:b] for a, b in marked] == ["Umbrellas are kept for fourteen days."]
    assert highlights("green curry recipe", text) == []
    row = "ประเด็น: การมอบหมายงาน · ขั้นตอนดำเนินการ: เผยแพร่คู่มือการบริหารบุคคล"
    assert [row[a:b] for a, b in highlights("ขั้นตอนดำเนินการเผยแพร่คู่มือ", row)] == [
        "ขั้นตอนดำเนินการ: เผยแพร่คู่มือการบริหารบุคคล"]


def test_passages_are_scored_with_their_own_runner_up_share(tmp_path):
    """A passage's texts are the passage and its windows, each about another part of it: blending in
    the runner-ups would lower a long passage whose one window fits the question."""
    entries = replace(WEIGHTS, runner_up_share=0.5, passage_runner_up_share=0.0, passage_windows=40)
    source = ListedPassages()
    long = ("lockers on floor two take coins. the cloakroom keeps coats until six. "
            "umbrellas are lent at the north entrance. parking validation is at the desk.")
    source.rows = [_passage(1, long), _passage(2, "umbrellas are sold at the entrance")]
    index = PassageIndex(Database(f"sqlite:///{tmp_path / 'x.db'}"), source,
                         RetrievalIndex([BagOfWordsEncoder()], entries))
    assert index.weights.runner_up_share == 0.0 and index.weights.dense_weight == entries.dense_weight
    index.sync()
    assert _best(index, "are umbrellas lent at the entrance").passage.passage_id == 1
    index.weights = replace(entries, passage_runner_up_share=0.5)  # as the entries are scored
    assert _best(index, "are umbrellas lent at the entrance").passage.passage_id == 2
