"""Keeping a URL-encoded project or group path in one route segment.

GitLab lets ``:id`` be a path such as ``ai%2Fedge``. ASGI servers decode the
path before routing, which would split it into two segments; this middleware
puts the encoded form back for that one segment, from the raw path.
"""

from urllib.parse import quote, unquote

from starlette.types import ASGIApp, Receive, Scope, Send

_PREFIXES = (b"/api/v4/projects/", b"/api/v4/groups/")


class EncodedIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw: bytes | None = scope.get("raw_path")
            if raw and raw.startswith(_PREFIXES) and b"%2" in raw[:512].upper():
                scope = dict(scope, path=_reencode(raw))
        await self.app(scope, receive, send)


def _reencode(raw: bytes) -> str:
    path = raw.split(b"?", 1)[0].decode("latin-1")
    parts = path.split("/")
    # ["", "api", "v4", "projects", "<id>", ...]: only the id stays encoded.
    decoded = [unquote(part) for part in parts]
    decoded[4] = quote(unquote(parts[4]), safe="")
    return "/".join(decoded)
