"""A group's index: every package of the projects beneath it that the caller reads.

Pages merge each package across those projects. They are cached like a
project's pages, keyed by the group, the readable projects and their serials,
so any upload, yank or delete in one of them, or a change of which projects
the caller reads, renders a fresh page.
"""

from packaging.version import Version
from sqlalchemy.orm import Session

from wheelkeep.domain.distributions import parse_filename
from wheelkeep.domain.errors import NotFound
from wheelkeep.domain.index_pages import (
    IndexFile,
    PackagePage,
    PageFormat,
    render_package,
    render_root,
)
from wheelkeep.domain.names import NormalizedName
from wheelkeep.services.groups import GroupView
from wheelkeep.services.pages import (
    Page,
    PageCache,
    PageKey,
    load_package_names,
    load_package_page,
)

# When projects disagree on a package's PEP 792 status, the strictest wins.
_STATUS_SEVERITY = ("quarantined", "deprecated", "archived", "active")


def _key(view: GroupView, name: str | None, page_format: PageFormat) -> PageKey:
    members = tuple((project.id, project.serial) for project in view.readable)
    return ("group", view.group.id, members, name, page_format)


def _serial(view: GroupView) -> int:
    # Each change bumps one project's serial by one, so the sum only grows.
    return sum(project.serial for project in view.readable)


def group_root_page(
    cache: PageCache, session: Session, view: GroupView, page_format: PageFormat
) -> Page:

    def render() -> bytes:
        names: dict[str, str] = {}
        for project in view.readable:
            for name, display in load_package_names(session, project.id):
                names.setdefault(name, display)
        return render_root(sorted(names.items()), page_format)

    key = _key(view, None, page_format)
    return cache.get_or_render(key, _serial(view), page_format, render)


def group_package_page(
    cache: PageCache,
    session: Session,
    view: GroupView,
    name: NormalizedName,
    page_format: PageFormat,
) -> Page:
    """The package merged over the readable projects; NotFound if none has it."""

    def render() -> bytes:
        found = []
        for project in view.readable:
            try:
                found.append(load_package_page(session, project.id, name))
            except NotFound:
                continue
        if not found:
            raise NotFound(f"Package {name!r} not found.")
        return render_package(merge_pages(found), page_format)

    key = _key(view, str(name), page_format)
    return cache.get_or_render(key, _serial(view), page_format, render)


def merge_pages(pages: list[PackagePage]) -> PackagePage:
    """One page from several projects' pages of a package.

    A filename held by several projects is listed once, from the first
    project (by id); every file is served from whichever project holds it.
    """
    strictest = min(pages, key=lambda page: _STATUS_SEVERITY.index(page.status))
    files: dict[str, IndexFile] = {}
    if strictest.status != "quarantined":
        for page in pages:
            for file in page.files:
                files.setdefault(file.filename, file)
    ordered = sorted(
        files.values(),
        key=lambda file: (parse_filename(file.filename).version, file.filename),
    )
    versions = sorted(
        {version for page in pages for version in page.versions}, key=Version
    )
    return PackagePage(
        name=pages[0].name,
        status=strictest.status,
        status_reason=strictest.status_reason,
        files=ordered,
        versions=versions if ordered else [],
    )
