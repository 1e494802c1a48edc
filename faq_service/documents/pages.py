"""Console pages of documents (/console/documents): the list with expired documents flagged and the imports
under way, importing a file (editor: checked and queued at once, imported in the background) and the
import's status page, a document's passages one by one, unpublishing and publishing (editor), deleting
(reviewer); and /documents/{id}/file, the stored original a citation links to (published documents)."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.datastructures import UploadFile

from faq_service.console.login import page_user
from faq_service.console.render import DomainTexts, page, register_nav, register_template_dir, see_other
from faq_service.core.auth.audit import audit
from faq_service.core.auth.deps import CurrentUser
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner
from faq_service.documents import jobs, service
from faq_service.documents.formats import HTML, DocumentRefused, Limits, sniff
from faq_service.documents.texts import TEXTS_PATH, all_texts

pages = APIRouter(include_in_schema=False)
TEXTS = DomainTexts(TEXTS_PATH)
PASSAGES_PER_PAGE = 50
JOB_REFRESH_S = 2  # how often the status page of a queued or running import looks again
FLASHES = ("flash_created", "flash_replaced", "flash_unchanged", "flash_published", "flash_unpublished",
           "flash_deleted", "err_published")


def _flash(texts: dict, flash: str, n: int) -> str:
    return texts[flash].format(passages=n) if flash in FLASHES else ""


def _filters(request: Request) -> dict:
    q = request.query_params
    return {"status": q.get("status") if q.get("status") in ("published", "unpublished") else "",
            "expired": q.get("expired") == "yes", "q": (q.get("q") or "")[:200]}


def _listing(session, filters: dict) -> dict:
    items = service.list_documents(session, filters["status"] or None, True if filters["expired"] else None,
                                   filters["q"] or None)
    return {"items": items, "expired_count": len(service.expired_documents(session)),
            "jobs": [jobs.view(j) for j in jobs.active_jobs(session)]}


def _list_page(request: Request, user: CurrentUser, state: AppState, listing: dict, filters: dict,
               status_code: int = 200, **context):
    texts = TEXTS.for_request(request)
    limits = Limits.of(state.settings)
    return page(request, user, "documents.html", status_code=status_code, d=texts, filters=filters,
                limit_text=texts["limits"].format(limit_mb=f"{limits.max_bytes / 1048576:g}", pages=limits.max_pages),
                **listing, **context)


@pages.get("/console/documents")
def documents_page(request: Request, user: CurrentUser = Depends(page_user("viewer")),
                   state: AppState = Depends(app_state)):
    filters = _filters(request)
    with state.db.session() as s:
        listing = _listing(s, filters)
    flash = _flash(TEXTS.for_request(request), request.query_params.get("flash", ""), 0)
    return _list_page(request, user, state, listing, filters, flash=flash, values={})


def _options(values: dict[str, str]) -> service.ImportOptions:
    valid_until = None
    if values["valid_until"]:
        try:
            valid_until = date.fromisoformat(values["valid_until"])
        except ValueError:
            raise DocumentRefused(422, "err_valid_until", "valid_until is not YYYY-MM-DD") from None
    url = values["source_url"]
    if url and (not re.match(r"^https?://[^\s/]+", url) or len(url) > 500):
        raise DocumentRefused(422, "err_source_url", "source_url is not an http(s) URL")
    return service.ImportOptions(values["title"][:300] or None, url or None, valid_until)


def _enqueue(session, user: CurrentUser, source_name: str, data: bytes, media_type: str,
             options: service.ImportOptions) -> str:
    """Where the upload goes next: its document when the same bytes are stored already (nothing to read),
    else the status page of its job, queued in this transaction."""
    digest = service.content_hash(data)
    unchanged = service.known(session, source_name, digest)
    if unchanged is not None:
        audit(session, user, "document.unchanged", source_name, {"document_id": unchanged.document_id,
                                                                 "passages": unchanged.passages})
        return f"/console/documents/{unchanged.document_id}?flash=flash_unchanged&n={unchanged.passages}"
    job_id = jobs.enqueue(session, source_name, data, media_type, digest, options, user.username)
    audit(session, user, "document.queued", source_name, {"job_id": job_id, "size_bytes": len(data)})
    return f"/console/documents/jobs/{job_id}"


@pages.post("/console/documents")
async def import_document(request: Request, user: CurrentUser = Depends(page_user("editor")),
                          state: AppState = Depends(app_state)):
    """Sniff and check the file here (cheap: its size, its type from its bytes, a Word file's parts), store
    it as an import job in one transaction and answer at once; a runner reads it in the background."""
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("title", "source_url", "valid_until")}
    upload = form.get("file")
    limits = Limits.of(state.settings)
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise DocumentRefused(422, "err_no_file", "no file")
        options = _options(values)
        data = await upload.read(limits.max_bytes + 1)
        source_name = re.split(r"[\\/]", upload.filename)[-1][:255] or "document"
        media_type = sniff(source_name, data, limits)
        where = await state.db.run(_enqueue, user, source_name, data, media_type, options)
    except DocumentRefused as exc:
        filters = _filters(request)
        listing = await state.db.run(_listing, filters)
        return _list_page(request, user, state, listing, filters, status_code=exc.status, values=values,
                          error=exc.message(TEXTS.for_request(request)))
    return see_other(where)


@pages.get("/console/documents/jobs/{job_id}")
def job_page(request: Request, job_id: int, user: CurrentUser = Depends(page_user("viewer")),
             run: SessionRunner = Depends(session_runner)):
    """An import's state; the page refreshes itself (jobs.js) while the job is queued or running."""
    def load(s):
        job = jobs.get(s, job_id)
        return jobs.view(job), jobs.message(job, TEXTS.for_request(request)), \
            jobs.waiting_before(s, job) if job.status == "queued" else 0
    job, message, ahead = run.here(load)
    return page(request, user, "document_job.html", d=TEXTS.for_request(request), job=job, message=message,
                ahead=ahead, refresh_s=JOB_REFRESH_S)


@pages.post("/console/documents/jobs/{job_id}/cancel")
def cancel_job(job_id: int, user: CurrentUser = Depends(page_user("editor")),
               run: SessionRunner = Depends(session_runner)):
    """Stop an import that has not ended; one that has is left as it is (its page says how it ended)."""
    def stop(s) -> None:
        job = jobs.get(s, job_id)
        if jobs.cancel(s, job_id):
            audit(s, user, "document.cancelled", job.source_name, {"job_id": job_id})
    run.here(stop)  # no such job: 404
    return see_other(f"/console/documents/jobs/{job_id}")


@pages.get("/console/documents/{document_id}")
def document_page(request: Request, document_id: int, offset: int = 0, flash: str = "", n: int = 0,
                  user: CurrentUser = Depends(page_user("viewer")), run: SessionRunner = Depends(session_runner)):
    def load(s):
        document = service.get(s, document_id)
        passages = service.passages_of(s, document_id)
        return service.view(document, len(passages)), passages
    item, passages = run.here(load)
    offset = max(0, min(offset, max(0, len(passages) - 1)))
    texts = TEXTS.for_request(request)
    return page(request, user, "document.html", d=texts, item=item, passages=passages[offset:offset + PASSAGES_PER_PAGE],
                offset=offset, total=len(passages), per_page=PASSAGES_PER_PAGE, flash=_flash(texts, flash, n))


def _change(request: Request, user: CurrentUser, run: SessionRunner, document_id: int, status: str):
    def change(s) -> None:
        if service.set_status(s, document_id, status):
            audit(s, user, f"document.{'publish' if status == 'published' else 'unpublish'}", str(document_id))
    run.here(change)
    return see_other(f"/console/documents/{document_id}?flash=flash_{status}")


@pages.post("/console/documents/{document_id}/unpublish")
def unpublish(request: Request, document_id: int, user: CurrentUser = Depends(page_user("editor")),
              run: SessionRunner = Depends(session_runner)):
    return _change(request, user, run, document_id, "unpublished")


@pages.post("/console/documents/{document_id}/publish")
def publish(request: Request, document_id: int, user: CurrentUser = Depends(page_user("editor")),
            run: SessionRunner = Depends(session_runner)):
    return _change(request, user, run, document_id, "published")


@pages.post("/console/documents/{document_id}/delete")
def delete(request: Request, document_id: int, user: CurrentUser = Depends(page_user("reviewer")),
           run: SessionRunner = Depends(session_runner)):
    def remove(s) -> None:
        title = service.delete_document(s, document_id)
        audit(s, user, "document.delete", str(document_id), {"title": title})
    try:
        run.here(remove)
    except HTTPException as exc:
        if exc.status_code != 409:  # 404: no such document
            raise
        return see_other(f"/console/documents/{document_id}?flash=err_published")
    return see_other("/console/documents?flash=flash_deleted")


def _file_response(data: bytes, media_type: str, name: str) -> Response:
    """The original as it was imported. Uploaded HTML never renders on this origin: it is downloaded, and
    every original is sandboxed (no script, no form, no same-origin access)."""
    disposition = "attachment" if media_type == HTML else "inline"
    shown = media_type if media_type.startswith("application/") else "text/plain; charset=utf-8"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
               "Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff",
               "Cache-Control": "no-store"}
    return Response(data, media_type=shown if media_type != HTML else "text/html; charset=utf-8", headers=headers)


@pages.get("/console/documents/{document_id}/original")
def staff_original(document_id: int, user: CurrentUser = Depends(page_user("viewer")),
                   run: SessionRunner = Depends(session_runner)):
    return _file_response(*run.here(service.original, document_id, False))


@pages.get("/documents/{document_id}/file")
def public_file(document_id: int, run: SessionRunner = Depends(session_runner)):
    """The stored original of a published document: where a passage's citation links when the document
    has no source URL of its own."""
    return _file_response(*run.here(service.original, document_id, True))


def install(app, settings) -> None:
    all_texts()  # both languages checked at start-up, not when a page first needs them
    from fastapi.staticfiles import StaticFiles

    register_template_dir(Path(__file__).parent / "templates")
    app.mount("/console/documents-assets", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="documents-assets")
    register_nav("/console/documents", "เอกสารความรู้", "Documents", "viewer", 35)
