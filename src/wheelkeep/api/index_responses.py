"""Answers shared by every index route: live, group and snapshot pages and files.

``public`` says whether shared caches (proxies, CDNs) may keep an answer: only
for public projects. Everything else is marked private, since what it shows
depends on who asks.
"""

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from wheelkeep.db.models import Project, Visibility
from wheelkeep.services.files import Download
from wheelkeep.services.pages import Page

MEDIA_TYPES = {
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".tar.gz": "application/gzip",
    ".metadata": "text/plain; charset=utf-8",
}

# A page changes with every upload, so clients revalidate it (cheap: ETag and
# 304); a file's bytes never change under its name, so it is kept for a year.
PAGE_POLICY = "max-age=0, must-revalidate"
FILE_POLICY = "max-age=31536000, immutable"


def page_response(request: Request, page: Page, *, public: bool) -> Response:
    """The page, or 304 when the client's ``If-None-Match`` holds its ETag."""
    headers = {
        "ETag": page.etag,
        "Vary": "Accept, Authorization",
        "X-PyPI-Last-Serial": str(page.serial),
        "Cache-Control": cache_control(PAGE_POLICY, public=public),
    }
    if etag_matches(request.headers.get("if-none-match"), page.etag):
        return Response(status_code=304, headers=headers)
    return Response(
        page.body, media_type=page.page_format.content_type, headers=headers
    )


def file_response(download: Download, *, public: bool) -> Response:
    """The stored bytes; Starlette answers ``HEAD`` and ``Range`` from the file."""
    filename = download.filename
    suffix = next((s for s in MEDIA_TYPES if filename.endswith(s)), "")
    return FileResponse(
        download.blob.path,
        media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"),
        headers={
            "ETag": f'"{download.sha256}"',
            "Cache-Control": cache_control(FILE_POLICY, public=public),
        },
        content_disposition_type="attachment",
        filename=filename,
    )


def is_public(project: Project) -> bool:
    return project.visibility is Visibility.PUBLIC


def cache_control(policy: str, *, public: bool) -> str:
    return f"{'public' if public else 'private'}, {policy}"


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    candidates = {value.strip().removeprefix("W/") for value in header.split(",")}
    return "*" in candidates or etag in candidates


def not_acceptable() -> Response:
    return Response(
        "None of the formats in the Accept header is served: ask for "
        "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html "
        "or text/html.\n",
        status_code=406,
        media_type="text/plain",
        headers={"Vary": "Accept"},
    )


def page_redirect(request: Request, normalized: str | None = None) -> Response | None:
    """A 301 to the page's own URL, or None when the request is there already.

    Links on an index page are relative to it, so its URL ends with a slash
    (without one they resolve a folder too high), and a package page's URL
    holds the normalised name (pass it as ``normalized``).
    """
    path = request.url.path
    if normalized is None:
        target = path if path.endswith("/") else path + "/"
    else:
        target = path.rstrip("/").rsplit("/", 1)[0] + f"/{normalized}/"
    if target == path:
        return None
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(target, status_code=301)
