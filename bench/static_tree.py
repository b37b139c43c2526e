"""A static index tree of the corpus, as nginx serves it: the practical limit.

The same hrefs as wheelkeep's pages (``../../files/<sha256>/<filename>``), the
same facts a modern index gives (sha256, ``requires-python``, PEP 658/714 core
metadata files next to the wheels), in both PEP 503 HTML (``index.html``) and
PEP 691 JSON (``index.json``, chosen by nginx from the Accept header).
"""

import hashlib
import html
import json
import os
import zipfile
from dataclasses import dataclass
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import quote

from packaging.utils import canonicalize_name

from bench.corpus import Corpus, CorpusFile


@dataclass(frozen=True)
class _Entry:
    filename: str
    sha256: str
    size: int
    metadata_sha256: str
    requires_python: str | None

    @property
    def url(self) -> str:
        return f"../../files/{self.sha256}/{quote(self.filename)}"

    def link(self) -> str:
        attributes = f' data-core-metadata="sha256={self.metadata_sha256}"'
        attributes += f' data-dist-info-metadata="sha256={self.metadata_sha256}"'
        if self.requires_python:
            attributes += f' data-requires-python="{html.escape(self.requires_python)}"'
        return (
            f'    <a href="{self.url}#sha256={self.sha256}"{attributes}>'
            f"{html.escape(self.filename)}</a><br />\n"
        )

    def json(self) -> dict[str, object]:
        return {
            "filename": self.filename,
            "url": self.url,
            "hashes": {"sha256": self.sha256},
            "requires-python": self.requires_python,
            "size": self.size,
            "core-metadata": {"sha256": self.metadata_sha256},
            "dist-info-metadata": {"sha256": self.metadata_sha256},
        }


def write_static_tree(root: Path, corpus: Corpus) -> None:
    by_package: dict[str, list[_Entry]] = {}
    versions: dict[str, list[str]] = {}
    for file in corpus.files:
        name = str(canonicalize_name(file.name))
        by_package.setdefault(name, []).append(_place(root, file))
        versions.setdefault(name, [])
        if file.version not in versions[name]:
            versions[name].append(file.version)
    simple = root / "simple"
    simple.mkdir(parents=True, exist_ok=True)
    names = sorted(by_package)
    links = "".join(f'    <a href="{n}/">{html.escape(n)}</a><br />\n' for n in names)
    (simple / "index.html").write_text(_html_page("Simple index", links))
    (simple / "index.json").write_text(
        json.dumps(
            {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}
        )
    )
    for name, entries in by_package.items():
        folder = simple / name
        folder.mkdir(exist_ok=True)
        links = "".join(entry.link() for entry in entries)
        (folder / "index.html").write_text(_html_page(f"Links for {name}", links))
        document = {
            "meta": {"api-version": "1.1"},
            "name": name,
            "files": [entry.json() for entry in entries],
            "versions": versions[name],
        }
        (folder / "index.json").write_text(json.dumps(document))


def _place(root: Path, file: CorpusFile) -> _Entry:
    """Link the wheel into the tree and write its core metadata file beside it."""
    target = root / "files" / file.sha256 / file.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.link(file.path, target)
    metadata = _core_metadata(Path(file.path))
    Path(f"{target}.metadata").write_bytes(metadata)
    requires_python = BytesParser().parsebytes(metadata).get("Requires-Python")
    return _Entry(
        filename=file.filename,
        sha256=file.sha256,
        size=file.size,
        metadata_sha256=hashlib.sha256(metadata).hexdigest(),
        requires_python=requires_python,
    )


def _core_metadata(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return archive.read(name)


def _html_page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html>\n  <head>\n"
        '    <meta name="pypi:repository-version" content="1.1">\n'
        f"    <title>{html.escape(title)}</title>\n  </head>\n  <body>\n"
        f"{body}  </body>\n</html>\n"
    )
