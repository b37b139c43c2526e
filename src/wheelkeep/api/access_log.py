"""One log line per request, written by the application itself.

The ASGI servers can write access lines too, but granian builds each one by
calling back into Python from its own threads, which costs more than answering
a cached page; here the line is written on the thread that served the request,
the same way on every server. Query strings are never logged: they may carry
secrets. ``WHEELKEEP_ACCESS_LOG=false`` turns the lines off, for deployments
whose proxy logs requests already.
"""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            log.info(
                'request "%s %s HTTP/%s" status=%s ms=%.2f client=%s',
                scope["method"],
                scope["path"],
                scope.get("http_version", "1.1"),
                status,
                (time.perf_counter() - started) * 1000,
                client[0] if client else "-",
            )
