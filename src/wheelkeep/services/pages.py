"""Index pages, rendered once per (project, package, format, serial) and cached.

Every upload, yank and delete bumps the project's serial, so a cached page is
valid exactly while the serial it was rendered at is current. Reading the serial
is one indexed query; it is itself trusted for ``serial_ttl`` seconds, which
bounds how long another process's change takes to show here. Changes made by
this process invalidate the serial at once.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from packaging.version import Version
from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, Package, PackageStatus, Project, Release
from wheelkeep.domain.errors import NotFound
from wheelkeep.domain.index_pages import (
    IndexFile,
    PackagePage,
    PageFormat,
    render_package,
    render_root,
)
from wheelkeep.domain.names import NormalizedName
from wheelkeep.services.projects import current_serial

MAX_CACHED_PAGES = 20_000
RENDER_LOCKS = 64

# (project id, package name or None for the root, format) for a project's
# pages; group pages add the member projects and their serials.
PageKey = tuple[Hashable, ...]


@dataclass(frozen=True)
class Page:
    body: bytes
    etag: str
    serial: int
    page_format: PageFormat


def page_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def page_of(body: bytes, serial: int, page_format: PageFormat) -> Page:
    """A rendered page with its ETag, which depends on the body alone."""
    return Page(body, page_etag(body), serial, page_format)


class PageCache:
    """A bounded map of rendered pages plus short-lived project serials."""

    def __init__(self, serial_ttl: float = 0.5) -> None:
        self._serial_ttl = serial_ttl
        self._serials: dict[int, tuple[float, int]] = {}
        self._pages: OrderedDict[PageKey, Page] = OrderedDict()
        self._lock = threading.Lock()
        # A fixed set shared by hash: bounded whatever names are asked for,
        # and two pages rarely wait for each other.
        self._render_locks = [threading.Lock() for _ in range(RENDER_LOCKS)]

    def serial(self, session: Session, project_id: int) -> int:
        serial = self.known_serial(project_id)
        if serial is None:
            serial = current_serial(session, project_id)
            self._serials[project_id] = (time.monotonic(), serial)
        return serial

    def known_serial(self, project_id: int) -> int | None:
        """The serial while it is still trusted, without reading the database."""
        cached = self._serials.get(project_id)
        if cached and time.monotonic() - cached[0] < self._serial_ttl:
            return cached[1]
        return None

    def invalidate(self, project_id: int) -> None:
        self._serials.pop(project_id, None)

    def get(self, key: PageKey, serial: int) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.serial != serial:
                return None
            self._pages.move_to_end(key)
            return page

    def get_or_render(
        self,
        key: PageKey,
        serial: int,
        page_format: PageFormat,
        render: Callable[[], bytes],
    ) -> Page:
        """The cached page at ``serial``, rendered by one caller on a miss.

        After a change, every request in flight for a big page misses at once;
        the others wait for the one renderer and reuse its page instead of each
        rendering the same body, all competing for the GIL.
        """
        page = self.get(key, serial)
        if page is not None:
            return page
        with self._render_locks[hash(key) % len(self._render_locks)]:
            page = self.get(key, serial)
            if page is None:
                page = page_of(render(), serial, page_format)
                self.put(key, page)
        return page

    def put(self, key: PageKey, page: Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > MAX_CACHED_PAGES:
                self._pages.popitem(last=False)


def package_page(
    cache: PageCache,
    session: Session,
    project: Project,
    name: NormalizedName,
    page_format: PageFormat,
) -> Page:
    """The package's page; NotFound when the project has no such package."""
    serial = cache.serial(session, project.id)
    key = (project.id, str(name), page_format)
    return cache.get_or_render(
        key,
        serial,
        page_format,
        lambda: render_package(
            load_package_page(session, project.id, name), page_format
        ),
    )


def root_page(
    cache: PageCache, session: Session, project: Project, page_format: PageFormat
) -> Page:
    serial = cache.serial(session, project.id)
    key = (project.id, None, page_format)
    return cache.get_or_render(
        key,
        serial,
        page_format,
        lambda: render_root(load_package_names(session, project.id), page_format),
    )


def cached_page(
    cache: PageCache, project_id: int, name: str | None, page_format: PageFormat
) -> Page | None:
    """A page answered from memory alone (None for the root), or None on a miss."""
    serial = cache.known_serial(project_id)
    if serial is None:
        return None
    return cache.get((project_id, name, page_format), serial)


def load_package_page(
    session: Session, project_id: int, name: NormalizedName
) -> PackagePage:
    package = session.scalar(
        select(Package).where(Package.project_id == project_id, Package.name == name)
    )
    if package is None:
        raise NotFound(f"Package {name!r} not found.")
    rows = list(
        session.execute(
            select(File, Release.version, Release.yanked, Release.yanked_reason)
            .join(Release, File.release_id == Release.id)
            .where(Release.package_id == package.id)
        ).all()
    )
    if not rows:
        raise NotFound(f"Package {name!r} not found.")
    if package.status is PackageStatus.QUARANTINED:
        # PEP 792: a quarantined package offers no file for download.
        rows = []
    rows.sort(key=lambda row: (Version(row.version), row.File.filename))
    files = [
        IndexFile(
            filename=row.File.filename,
            sha256=row.File.sha256,
            size=row.File.size,
            upload_time=row.File.uploaded_at,
            requires_python=row.File.requires_python,
            yanked=row.yanked,
            yanked_reason=row.yanked_reason,
            core_metadata_sha256=(
                row.File.metadata_sha256 if row.File.filename.endswith(".whl") else None
            ),
        )
        for row in rows
    ]
    versions = list(dict.fromkeys(row.version for row in rows))
    return PackagePage(
        name=package.name,
        status=package.status.value,
        status_reason=package.status_reason,
        files=files,
        versions=versions,
    )


def load_package_names(session: Session, project_id: int) -> list[tuple[str, str]]:
    """(normalised, display) names of the project's packages that have files."""
    has_files = (
        select(File.id)
        .join(Release, File.release_id == Release.id)
        .where(Release.package_id == Package.id)
        .exists()
    )
    rows = session.execute(
        select(Package.name, Package.display_name)
        .where(Package.project_id == project_id, has_files)
        .order_by(Package.name)
    ).all()
    return [(row.name, row.display_name) for row in rows]
