"""Unanswered-question review (active learning): the declined, suggestion-only and 👎 questions of a
period, clustered by meaning; for each cluster staff add questions as alternates of an entry, start a
draft entry, mark it out of scope (its questions become decline examples), or dismiss it. Decisions
are kept per question, so a dealt-with cluster comes back only when new questions join it."""
from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import Counter, OrderedDict
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from faq_service.faqs import editing as entry_service
from faq_service.core.db import utcnow
from faq_service.core.errors import ConflictError
from faq_service.faqs import service as faqs
from faq_service.faqs.models import FaqEntry
from faq_service.faqs.schemas import EntryIn
from faq_service.questions.models import QuestionLog
from faq_service.retrieval import declines
from faq_service.core.text import normalize
from faq_service.review.models import ReviewCluster, ReviewResolution
from faq_service.core.auth.audit import audit

MAX_QUESTIONS = 2000   # the most recent ones in the period
MAX_CLUSTERS = 100
EXAMPLES = 6


def signature(member_ids: list[int]) -> str:
    return hashlib.sha1(",".join(map(str, sorted(member_ids))).encode()).hexdigest()


def period(since: datetime | None, until: datetime | None, default_days: int) -> tuple[datetime, datetime]:
    until = until or utcnow() + timedelta(minutes=1)
    return since or until - timedelta(days=default_days), until


def _gather(session: Session, since: datetime, until: datetime) -> tuple[list[QuestionLog], dict[int, str]]:
    rows = list(session.scalars(
        select(QuestionLog)
        .where(QuestionLog.asked_at >= since, QuestionLog.asked_at < until)
        .where(or_(QuestionLog.outcome.in_(("declined", "partial", "suggested")),
                   and_(QuestionLog.helpful.is_(False), QuestionLog.outcome == "answered")))
        .order_by(QuestionLog.id.desc()).limit(MAX_QUESTIONS)))
    ids = [r.id for r in rows]
    resolved = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        resolved.update(dict(session.execute(select(ReviewResolution.log_id, ReviewResolution.action)
                                             .where(ReviewResolution.log_id.in_(part))).all()))
    for r in rows:
        session.expunge(r)
    return rows, resolved


def _labels(vectors: np.ndarray, distance: float) -> np.ndarray:
    if len(vectors) == 1:
        return np.zeros(1, dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, distance_threshold=distance, metric="cosine",
                                    linkage="average")
    return model.fit_predict(vectors)


def _key(text: str) -> str:
    return normalize(text).casefold()


async def clusters(state, since: datetime, until: datetime, include_resolved: bool = False) -> list[dict]:
    """Clusters with at least one question nobody has dealt with yet, biggest first."""
    rows, resolved = await asyncio.to_thread(_read, state, since, until)
    if not rows:
        return []
    texts = list(dict.fromkeys(_key(r.question_text) for r in rows))
    per_text = await asyncio.to_thread(_vectors, state, texts)
    joined = np.vstack([np.concatenate(v) for v in per_text]).astype(np.float32)
    joined /= np.maximum(np.linalg.norm(joined, axis=1, keepdims=True), 1e-12)
    labels = await asyncio.to_thread(_labels, joined, state.settings.review_cluster_distance)
    label_of = {t: int(lab) for t, lab in zip(texts, labels)}
    groups: dict[int, list[QuestionLog]] = {}
    for r in rows:
        groups.setdefault(label_of[_key(r.question_text)], []).append(r)
    out = []
    for label, members in groups.items():
        open_members = [m for m in members if m.id not in resolved]
        if not open_members and not include_resolved:
            continue
        idx = [i for i, t in enumerate(texts) if label_of[t] == label]
        centroid = joined[idx].mean(axis=0)
        medoid = texts[idx[int(np.argmax(joined[idx] @ centroid))]]
        out.append(_describe(state, members, open_members, resolved, medoid, per_text[texts.index(medoid)]))
    out.sort(key=lambda c: (-c["open"], -c["size"], c["signature"]))
    out = out[:MAX_CLUSTERS]
    await asyncio.to_thread(_remember, state, out)
    return out


_VECTORS: OrderedDict[str, list] = OrderedDict()  # in memory only: question text → its vectors
_VECTORS_MAX = 5000
_VECTORS_LOCK = threading.Lock()


def _vectors(state, texts: list[str]) -> list[list[np.ndarray]]:
    """Per text, one vector per encoder; recently seen texts are not encoded again."""
    with _VECTORS_LOCK:
        known = {t: _VECTORS[t] for t in texts if t in _VECTORS}
    missing = [t for t in texts if t not in known]
    for start in range(0, len(missing), 64):
        chunk = missing[start:start + 64]
        known.update(zip(chunk, state.knowledge.queries.encode_batch(chunk)))
    with _VECTORS_LOCK:
        for t in texts:
            _VECTORS[t] = known[t]
            _VECTORS.move_to_end(t)
        while len(_VECTORS) > _VECTORS_MAX:
            _VECTORS.popitem(last=False)
    return [known[t] for t in texts]


def _read(state, since, until):
    with state.db.session() as s:
        return _gather(s, since, until)


def _describe(state, members, open_members, resolved, medoid, medoid_vecs) -> dict:
    lang = Counter(m.lang for m in members).most_common(1)[0][0]
    examples = list(dict.fromkeys(m.question_text for m in open_members + members))[:EXAMPLES]
    representative = next((m.question_text for m in members if _key(m.question_text) == medoid), examples[0])
    hits = state.knowledge.index.search(representative, medoid_vecs, lang, limit=3)
    asked = [m.asked_at for m in members]
    return {
        "signature": signature([m.id for m in members]),
        "size": len(members), "open": len(open_members), "lang": lang,
        "examples": examples, "representative": representative,
        "first_seen": min(asked), "last_seen": max(asked),
        "channels": dict(Counter(m.channel for m in members).most_common()),
        "outcomes": dict(Counter("thumbs_down" if m.outcome == "answered" else m.outcome for m in members)),
        "member_ids": sorted(m.id for m in members),
        "questions": [{"log_id": m.id, "text": m.question_text, "asked_at": m.asked_at, "channel": m.channel,
                       "resolved": resolved.get(m.id)} for m in members],
        "candidates": [{"faq_id": h.faq_id, "score": round(h.score, 4)} for h in hits],
    }


def _remember(state, found: list[dict]) -> None:
    """Keep each shown cluster by signature, so that decisions refer to exactly what was shown."""
    with state.db.session() as s:
        for c in found:
            if s.get(ReviewCluster, c["signature"]) is None:
                s.add(ReviewCluster(signature=c["signature"], member_ids=c["member_ids"], size=c["size"]))
        ids = {h["faq_id"] for c in found for h in c["candidates"]}
        names = {e.id: (e.key, e.question_th or e.question_en, e.question_en or e.question_th)
                 for e in s.scalars(select(FaqEntry).where(FaqEntry.id.in_(ids)))} if ids else {}
    for c in found:
        for h in c["candidates"]:
            key, q_th, q_en = names.get(h["faq_id"], (None, None, None))
            h.update(key=key, question=q_th if c["lang"] == "th" else q_en)


def _cluster(session: Session, sig: str) -> ReviewCluster:
    cluster = session.get(ReviewCluster, sig, with_for_update=True)
    if cluster is None:
        raise LookupError(f"no cluster {sig}; list the clusters again")
    return cluster


def _resolve(session: Session, user, cluster: ReviewCluster, action: str, faq_id: int | None,
             reason: str | None = None) -> int:
    done = set(session.scalars(select(ReviewResolution.log_id)
                               .where(ReviewResolution.log_id.in_(cluster.member_ids))))
    fresh = [i for i in cluster.member_ids if i not in done]
    for log_id in fresh:
        session.add(ReviewResolution(log_id=log_id, signature=cluster.signature, action=action,
                                     faq_id=faq_id, by=user.username))
    cluster.status, cluster.reason, cluster.faq_id = action, reason, faq_id
    cluster.resolved_by, cluster.resolved_at = user.username, utcnow()
    return len(fresh)


def member_texts(session: Session, cluster: ReviewCluster) -> list[str]:
    return list(dict.fromkeys(session.scalars(select(QuestionLog.question_text)
                                              .where(QuestionLog.id.in_(cluster.member_ids)))))


def accept(session: Session, user, sig: str, faq_id: int, questions: list[str], lang: str) -> dict:
    cluster = _cluster(session, sig)
    chosen = [c for c in (normalize(q) or " ".join(q.split()) for q in questions) if c]
    if not chosen:
        raise ValueError("choose at least one question")
    if any(len(q) > 1000 for q in chosen):
        raise ValueError("a question is longer than 1000 characters")
    entry = entry_service.get(session, faq_id)
    if entry.status != "published":
        raise ConflictError("alternates go to a published entry; publish the entry first")
    added = entry_service.add_alternates(session, user, faq_id, lang, chosen)
    resolved = _resolve(session, user, cluster, "accepted", faq_id)
    audit(session, user, "review.accept", sig, {"faq_id": faq_id, "lang": lang, "added": added,
                                               "resolved": resolved})
    return {"faq_id": faq_id, "added": added, "resolved": resolved}


def draft(session: Session, user, sig: str, data: EntryIn) -> dict:
    cluster = _cluster(session, sig)
    entry = entry_service.create(session, user, data)
    resolved = _resolve(session, user, cluster, "drafted", entry.id)
    audit(session, user, "review.draft", sig, {"faq_id": entry.id, "key": entry.key, "resolved": resolved})
    return {"faq_id": entry.id, "key": entry.key, "resolved": resolved}


def dismiss(session: Session, user, sig: str, reason: str) -> dict:
    reason = normalize(reason or "") or " ".join((reason or "").split())
    if not reason:
        raise ValueError("give a reason for dismissing")
    cluster = _cluster(session, sig)
    resolved = _resolve(session, user, cluster, "dismissed", None, reason[:500])
    audit(session, user, "review.dismiss", sig, {"reason": reason[:500], "resolved": resolved})
    return {"resolved": resolved}


def out_of_scope(session: Session, user, sig: str) -> dict:
    """The cluster's questions become decline examples (retrieval/declines.py): questions like them
    are no longer answered from the knowledge base, in every process from its next index sync."""
    cluster = _cluster(session, sig)
    texts = [t for t in member_texts(session, cluster) if len(t) <= 1000]
    if not texts:
        raise ConflictError("the cluster has no question to add")
    added = declines.add(session, texts, faqs.next_version(session), sig, user.username)
    resolved = _resolve(session, user, cluster, "out_of_scope", None)
    audit(session, user, "review.out_of_scope", sig, {"added": added, "resolved": resolved})
    return {"added": added, "resolved": resolved}


def decline_examples(session: Session) -> list[dict]:
    """The out-of-scope examples staff added (the curated file's are not listed), newest first."""
    return [{"id": row.id, "text": row.text, "added_by": row.added_by, "added_at": row.added_at,
             "signature": row.signature} for row in declines.live(session)]


def remove_decline_example(session: Session, user, example_id: int) -> dict:
    """Undo: questions like it may be answered again, in every process from its next index sync. The
    questions of its cluster stay dealt with."""
    row = declines.remove(session, example_id, faqs.next_version(session), user.username)
    audit(session, user, "review.remove_decline_example", str(example_id), {"text": row.text})
    return {"removed": example_id, "text": row.text}
