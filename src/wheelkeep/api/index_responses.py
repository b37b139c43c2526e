"""Answers shared by every index route: live, group and snapshot pages.

Known shortcoming: ``api.simple`` still keeps its own private copies of the
page, file and 406 answers (the group and snapshot routes import them from
there); they belong here, public, once that module is free to change.
"""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response


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
