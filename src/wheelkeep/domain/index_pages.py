"""Simple repository API pages (PEP 503, 629, 691, 592, 658, 714, 700, 792).

Pages are built from plain values so that rendering is pure: the same input
always gives the same bytes, which is what lets a page be cached by serial and
gives stable ETags. File URLs are relative to the package page, so one rendered
page serves every path a project is reachable under.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import orjson
from jinja2 import Environment, PackageLoader, select_autoescape

# 1.1 is PEP 700; 1.2 (PEP 708) and 1.3 (PEP 740) add only optional keys; 1.4
# is PEP 792 project status, which every package page carries.
API_VERSION = "1.4"

_templates = Environment(
    loader=PackageLoader("wheelkeep", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


class PageFormat(enum.StrEnum):
    """The representations of an index page and their content types."""

    JSON = "application/vnd.pypi.simple.v1+json"
    HTML = "application/vnd.pypi.simple.v1+html"
    LEGACY_HTML = "text/html"

    @property
    def content_type(self) -> str:
        if self is PageFormat.LEGACY_HTML:
            return "text/html; charset=utf-8"
        return self.value


@dataclass(frozen=True)
class IndexFile:
    filename: str
    sha256: str
    size: int
    upload_time: datetime
    requires_python: str | None
    yanked_reason: str | None
    yanked: bool
    core_metadata_sha256: str | None

    @property
    def url(self) -> str:
        return f"../../files/{self.sha256}/{quote(self.filename)}"


@dataclass(frozen=True)
class PackagePage:
    name: str
    status: str
    status_reason: str | None
    files: Sequence[IndexFile]
    versions: Sequence[str]


def format_upload_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def render_package(page: PackagePage, page_format: PageFormat) -> bytes:
    if page_format is PageFormat.JSON:
        return orjson.dumps(_package_json(page))
    template = _templates.get_template("package.html")
    return template.render(
        page=page, api_version=API_VERSION, upload_time=format_upload_time
    ).encode()


def _package_json(page: PackagePage) -> dict[str, Any]:
    status: dict[str, str] = {"status": page.status}
    if page.status_reason:
        status["reason"] = page.status_reason
    return {
        "meta": {"api-version": API_VERSION},
        "name": page.name,
        "project-status": status,
        "files": [_file_json(file) for file in page.files],
        "versions": list(page.versions),
    }


def _file_json(file: IndexFile) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "filename": file.filename,
        "url": file.url,
        "hashes": {"sha256": file.sha256},
        "requires-python": file.requires_python,
        "size": file.size,
        "upload-time": format_upload_time(file.upload_time),
        "yanked": (file.yanked_reason or True) if file.yanked else False,
    }
    if file.core_metadata_sha256:
        entry["core-metadata"] = {"sha256": file.core_metadata_sha256}
        # The pre-PEP 714 key, still read by older pip releases.
        entry["dist-info-metadata"] = {"sha256": file.core_metadata_sha256}
    return entry


def render_root(names: Sequence[tuple[str, str]], page_format: PageFormat) -> bytes:
    """The root page; ``names`` holds (normalised name, display name) pairs."""
    if page_format is PageFormat.JSON:
        return orjson.dumps(
            {
                "meta": {"api-version": API_VERSION},
                "projects": [{"name": display} for _, display in names],
            }
        )
    template = _templates.get_template("root.html")
    return template.render(names=names, api_version=API_VERSION).encode()
