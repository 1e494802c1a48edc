"""Tune when a document passage answers (THAMTOB_DOCUMENT_THRESHOLD and THAMTOB_DOCUMENT_MARGIN), and
report a held-out set of document questions under the current settings.

    .venv/bin/python -m bench.documents_eval
    PYTHONPATH=. .venv/bin/python -m bench.documents_eval --heldout FILE [--bot] [--out FILE]

The knowledge base and the sample documents are loaded as the service loads them (a temporary SQLite
database) and searched with the service's own index and rule. bench/documents/tune.yml asks about the
documents (a question marked `entry` is one the knowledge base answers too: the entry should keep it);
bench/heldout/visitor_tune.yml and report_fresh.yml check that documents do not take questions the
entries answer, nor answer out-of-scope ones.

`--heldout FILE` instead asks a held-out set (bench/documents_heldout.py says its format and
measures) of a real faq_service with the sample documents loaded, through /api/v1/ask (and with
`--bot` through the bot too), and prints its figures, Thai and English apart.
"""
from __future__ import annotations

import itertools
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import typer
import yaml
from rich.console import Console
from rich.table import Table

from faq_service.core.db import Database
from faq_service.core.settings import REPO_ROOT, get_settings
from faq_service.documents.index_source import PublishedPassages
from faq_service.faqs.index_source import PublishedEntries
from faq_service.retrieval.declines import load_decline_examples
from faq_service.retrieval.encoders import load_encoders
from faq_service.retrieval.index import FusionWeights
from faq_service.retrieval.decision import DecisionRules, decide, decide_with_documents
from faq_service.retrieval.service import KnowledgeIndex
from faq_service.startup import prepare

HELDOUT = REPO_ROOT / "bench" / "heldout"
TUNE = REPO_ROOT / "bench" / "documents" / "tune.yml"
console = Console()


def _rows(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def report_heldout(path: Path, through_bot: bool, show: bool, out: Path | None) -> None:
    from bench import documents_heldout

    result = documents_heldout.run(path, through_bot, details=show)
    for name, figures in result["paths"].items():
        table = Table("lang", "questions (in / out of scope)", "answered correctly", "from the right document",
                      "wrong answers", "out-of-scope not answered", "answered from a document",
                      title=f"{result['set']} through {'the bot' if name == 'bot' else '/api/v1/ask'}")
        for lang, f in figures.items():
            table.add_row(lang, f"{f['n_in_scope']} / {f['n_out_of_scope']}", str(f["answered_correctly"]),
                          f"{f['answered_from_right_document']} (of {f['n_with_document']})",
                          f"{f['wrong_answer_rate']} ({f['wrong_answers']})", str(f["oos_not_answered"]),
                          str(f["answered_from_a_document"]))
        console.print(table)
    if show:
        for row in result["questions"]:
            console.print(json.dumps(row, ensure_ascii=False), soft_wrap=True)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(thresholds: str = "0.40,0.45,0.50,0.55,0.60,0.65,0.70", margins: str = "0,0.05,0.1,0.2,1",
         show: bool = typer.Option(False, help="each document question's scores and the passage's section "
                                               "(with --heldout: each question's answers, by id)"),
         heldout: Path = typer.Option(None, help="a held-out document question set to report (no tuning)"),
         bot: bool = typer.Option(False, help="with --heldout: through the bot as well (needs `make train`)"),
         out: Path = typer.Option(None, help="with --heldout: also write the figures as JSON here")) -> None:
    if heldout is not None:
        report_heldout(heldout, bot, show, out)
        return
    settings = get_settings()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'documents.db'}")
        prepare(db, REPO_ROOT / "data" / "faq", settings)
        knowledge = KnowledgeIndex(db, PublishedEntries(), load_encoders(settings.encoder), settings.embedding_cache,
                                   FusionWeights.of(settings), load_decline_examples(settings.decline_examples),
                                   passages=PublishedPassages())
        knowledge.load()
        doc_items = _rows(TUNE)
        kb_items = _rows(HELDOUT / "visitor_tune.yml") + _rows(HELDOUT / "report_fresh.yml")
        items = doc_items + kb_items
        vectors = knowledge.queries.encode_batch([it["q"] for it in items])
        rankings = knowledge.rank_many([it["q"] for it in items], vectors, [it["lang"] for it in items],
                                       [10] * len(items))
    s = settings
    files = {d["title"]: d["file"] for d in yaml.safe_load((REPO_ROOT / "data" / "documents" / "documents.yml")
                                                          .read_text(encoding="utf-8"))["documents"]}
    table = Table("threshold", "margin", "doc answered (of %d)" % sum(not it.get("entry") for it in doc_items),
                  "doc right file", "entry kept (of %d)" % sum(bool(it.get("entry")) for it in doc_items),
                  "kb: entry answer taken by docs (of %d in scope)" % sum(bool(it.get("expected")) for it in kb_items),
                  "kb: answered by docs",
                  "out of scope answered by docs")
    for t, m in itertools.product([float(x) for x in thresholds.split(",")], [float(x) for x in margins.split(",")]):
        counts = dict(doc=0, right=0, kept=0, taken=0, kb_doc=0, oos=0)
        rules = replace(DecisionRules.of(s), document_threshold=t, document_margin=m)
        for it, ranking in zip(items, rankings):
            entries = decide(ranking, rules)
            final = decide_with_documents(ranking, entries, rules)
            by_doc = final.outcome == "answered_from_document"
            if "document" in it and not it.get("entry"):
                counts["doc"] += by_doc
                counts["right"] += by_doc and files.get(final.passage.passage.title) == it["document"]
            elif it.get("entry"):
                counts["kept"] += final.outcome == "answered"
            elif it.get("expected"):
                counts["taken"] += by_doc and entries.outcome == "answered"
                counts["kb_doc"] += by_doc
            else:
                counts["oos"] += by_doc
        table.add_row(f"{t:.2f}", f"{m:.2f}", *(str(counts[k]) for k in ("doc", "right", "kept", "taken", "kb_doc", "oos")))
    console.print(table)
    if show:
        for it, ranking in zip(doc_items, rankings):
            top, passage = ranking.hits[0] if ranking.hits else None, ranking.passage
            console.print(it["id"], f"entry {top.score:.3f}" if top else "-", f"decline {ranking.decline:.3f}",
                          f"passage {passage.score:.3f} {passage.passage.section}" if passage else "-")


if __name__ == "__main__":
    typer.run(main)
