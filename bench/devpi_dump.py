"""A devpi-server export folder of corpus files, for ``devpi-import`` to load.

devpi-server takes uploads one at a time at a few files per second (measured
here at about 4 per second for small wheels, slower as a package gains
releases), so uploading the thousands of small files of the full corpus would
take more than half an hour. Its own bulk loader, ``devpi-import``, reads an
export folder: ``dataindex.json`` (users, indexes, release metadata, and one
entry per file) plus the files under ``<user>/<index>/<project>/<version>/``.
This writes that folder, with hard links to the corpus files.
"""

import datetime
import json
import os
from collections.abc import Sequence
from pathlib import Path

from argon2 import PasswordHasher
from packaging.utils import canonicalize_name

from bench.corpus import CorpusFile

# The keys devpi-server's own export writes for each release.
_METADATA_KEYS = [
    "summary",
    "home_page",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "license",
    "description",
    "keywords",
    "download_url",
    "comment",
    "requires_python",
    "description_content_type",
    "license_expression",
]
_LIST_KEYS = [
    "platform",
    "classifiers",
    "supported_platform",
    "provides",
    "requires",
    "obsoletes",
    "project_urls",
    "provides_dist",
    "obsoletes_dist",
    "requires_dist",
    "requires_external",
    "provides_extras",
    "dynamic",
    "license_file",
]


# devpi-server's built-in administrator, who owns the benchmark's indexes.
ADMIN = "root"


def write_dump(
    folder: Path,
    files: Sequence[CorpusFile],
    password: str,
    server_version: str,
    index: str = "dev",
) -> None:
    """An export of user ``root`` owning the volatile index ``root/<index>``."""
    folder.mkdir(parents=True)
    stage = f"{ADMIN}/{index}"
    now = datetime.datetime.now(datetime.UTC)
    projects: dict[str, dict[str, dict[str, object]]] = {}
    entries = []
    for file in files:
        project = str(canonicalize_name(file.name))
        projects.setdefault(project, {})[file.version] = _metadata(file)
        relpath = f"{stage}/{project}/{file.version}/{file.filename}"
        target = folder / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(file.path, target)
        entries.append(_file_entry(file, project, relpath, now))
    dump = {
        "users": {
            ADMIN: {
                "username": ADMIN,
                "pwhash": PasswordHasher().hash(password),
                "created": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        },
        "indexes": {
            stage: {
                "indexconfig": {
                    "type": "stage",
                    "bases": [],
                    "volatile": True,
                    "acl_upload": [ADMIN],
                    "acl_toxresult_upload": [":ANONYMOUS:"],
                    "mirror_whitelist": [],
                    "mirror_whitelist_inheritance": "intersection",
                },
                "projects": projects,
                "files": entries,
            }
        },
        "dumpversion": "2",
        "pythonversion": [3, 11, 0, "final", 0],
        "devpi_server": server_version,
    }
    (folder / "dataindex.json").write_text(json.dumps(dump))


def _metadata(file: CorpusFile) -> dict[str, object]:
    metadata: dict[str, object] = dict.fromkeys(_METADATA_KEYS, "")
    metadata.update({key: [] for key in _LIST_KEYS})
    metadata.update(name=file.name, version=file.version, metadata_version="2.1")
    return metadata


def _file_entry(
    file: CorpusFile, project: str, relpath: str, now: datetime.datetime
) -> dict[str, object]:
    return {
        "version": file.version,
        "entrymapping": {
            "last_modified": now.strftime("%a, %d %b %Y %H:%M:%S GMT"),
            "hash_spec": f"sha256={file.sha256}",
            "hashes": {"sha256": file.sha256},
            "project": project,
            "version": file.version,
        },
        "log": [
            {
                "what": "upload",
                "who": ADMIN,
                "when": list(now.timetuple())[:6],
                "dst": relpath.split("/", 2)[0] + "/" + relpath.split("/", 2)[1],
            }
        ],
        "type": "releasefile",
        "projectname": project,
        "relpath": relpath,
    }
