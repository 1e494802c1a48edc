"""Runner-up blending of an entry's texts, and the entry classifier that orders entries (with a small
deterministic encoder; the real encoders' effect is measured in bench/heldout_eval.py)."""
import time

import numpy as np
import pytest

from faq_service.core.db import Database
from faq_service.faqs import service as faqs
from faq_service.faqs.index_source import PublishedEntries
from faq_service.faqs.schemas import EntryIn
from faq_service.retrieval.classifier import EntryClassifier
from faq_service.retrieval.index import EntryDoc, FusionWeights, RetrievalIndex
from faq_service.retrieval.service import KnowledgeIndex
from faq_service.core.migrations import migrate
from tests.unit.test_fusion import BagOfWordsEncoder

ENC = BagOfWordsEncoder()


def _entry(faq_id, question, alternates):
    return EntryDoc(faq_id, 1, {"en": question}, {"en": alternates}, {})


def _search(index, query, **kwargs):
    return index.search_many([query], [[ENC.encode_queries([query])[0]]], ["en"], **kwargs)[0]


def test_runner_up_texts_decide_between_entries_whose_best_texts_tie():
    docs = [_entry(1, "tceb phone number", ["fax number", "office hours"]),
            _entry(2, "tceb phone number", ["call tceb phone", "tceb number to call"])]
    plain = RetrievalIndex([ENC], FusionWeights({"en": 0.5}, {"bow": (0.0, 1.0)}))
    blended = RetrievalIndex([ENC], FusionWeights({"en": 0.5}, {"bow": (0.0, 1.0)}, runner_up_share=0.5))
    for index in (plain, blended):
        index.upsert(docs)
    tie = _search(plain, "tceb phone number")
    assert tie[0].score == pytest.approx(tie[1].score)  # best text alone: no way to tell them apart
    hits = _search(blended, "tceb phone number")
    assert hits[0].faq_id == 2 and hits[0].score > hits[1].score
    assert hits[0].score < tie[0].score  # blending with weaker runner-ups lowers the score


def test_an_entry_with_a_single_text_keeps_its_best_score():
    index = RetrievalIndex([ENC], FusionWeights({"en": 0.5}, {"bow": (0.0, 1.0)}, runner_up_share=0.5))
    index.upsert([EntryDoc(1, 1, {"en": "weather in bangkok"}, {}, {})])
    assert _search(index, "weather in bangkok")[0].score == pytest.approx(1.0, abs=1e-5)


def test_the_prior_orders_entries_but_the_score_stays_the_fused_similarity():
    index = RetrievalIndex([ENC], FusionWeights({"en": 0.5}, {"bow": (0.0, 1.0)}, classifier_weight=0.5))
    index.upsert([_entry(1, "tceb phone number", []), _entry(2, "tceb fax number", [])])
    prefer_second = lambda matrices, ids: np.array([[0.0 if i == 1 else 1.0 for i in ids]] * len(matrices[0]))
    plain = _search(index, "tceb phone number")
    reordered = _search(index, "tceb phone number", prior=prefer_second)
    assert plain[0].faq_id == 1 and reordered[0].faq_id == 2
    assert {h.faq_id: h.score for h in plain} == {h.faq_id: h.score for h in reordered}


def _vectors(texts):
    return [ENC.encode_queries(texts)]


def test_classifier_learns_entries_and_the_decline_class():
    texts = ["tceb phone number", "call tceb", "hotline to call", "vat form for attendees", "vat 36 form",
             "tax form vat"]
    ids = np.array([1, 1, 1, 2, 2, 2])
    clf = EntryClassifier.fit(_vectors(texts), ids, _vectors(["weather tomorrow", "football score"]), 10.0)
    proba = clf.probabilities(_vectors(["phone to call tceb", "which vat form", "football weather"]), (1, 2, 3))
    assert proba.shape == (3, 3) and proba[:, 2].tolist() == [0.0, 0.0, 0.0]  # entry 3: not trained on
    assert proba[0].argmax() == 0 and proba[1].argmax() == 1
    assert proba[2].sum() < 0.5  # most of the mass is on the decline class
    assert EntryClassifier.fit(_vectors(texts[:3]), ids[:3], [], 10.0) is None  # one class: nothing to learn


def test_knowledge_index_refits_the_classifier_after_an_edit(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'kb.db'}")
    migrate(db)

    def publish(key, question):
        with db.session() as s:
            faqs.upsert_entry(s, EntryIn(key=key, en={"question": question, "answer": "an answer"}), "test")
            s.commit()

    publish("phone", "What is TCEB's phone number?")
    publish("fax", "What is TCEB's fax number?")
    weights = FusionWeights({"en": 0.5}, {"bow": (0.0, 1.0)}, runner_up_share=0.5, classifier_weight=0.2)
    knowledge = KnowledgeIndex(db, PublishedEntries(), [ENC], tmp_path / "cache.sqlite3", weights, ["weather tomorrow"])
    knowledge.sync()
    first = knowledge.classifier
    assert first is not None and len(first.model.classes_) == 3  # two entries and the decline class
    publish("vat", "Which VAT form is for attendees?")
    knowledge.sync()
    deadline = time.monotonic() + 10
    while knowledge.classifier is first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert knowledge.classifier is not first and len(knowledge.classifier.model.classes_) == 4
    question = "vat form for attendees"
    top = knowledge.rank(question, [ENC.encode_queries([question])[0]], "en").hits[0]
    assert knowledge.index.doc(top.faq_id).questions["en"] == "Which VAT form is for attendees?"
