"""The request body size limit, in front of every route."""
from __future__ import annotations

from faq_service.core.errors import send_error


class BodySizeLimit:
    """Answers 413 when a request body passes its limit, declared or streamed: `max_bytes` for every
    route except the file uploads, whose path prefixes `upload_limits` maps to their own limits."""

    def __init__(self, app, max_bytes: int, upload_limits: dict[str, int] | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.upload_limits = upload_limits or {}

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self.upload_limits.items() if path.startswith(prefix)),
                    self.max_bytes)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _reject(send, limit)
        seen = 0
        too_large = False

        async def limited_receive():
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_large = True
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await _reject(send, limit)
        except Exception:
            if too_large:
                await _reject(send, limit)
            else:
                raise


async def _reject(send, limit: int) -> None:
    await send_error(send, 413, f"request body larger than {limit} bytes", "too_large", limit_kb=limit // 1024)


class _TooLarge(Exception):
    pass
