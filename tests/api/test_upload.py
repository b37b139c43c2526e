"""The legacy upload API: every rule, each with a bad input.

Every refusal is checked twice: the answer is a 4xx whose text says what is
wrong, and the database and blob store hold exactly what they held before.
"""

import io
import random
import zipfile
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.conftest import Api, stored_state
from tests.factories import (
    Dist,
    multipart_body,
    sdist_bytes,
    upload_fields,
    wheel_bytes,
)
from wheelkeep.domain.access import ALL_SCOPES, Principal
from wheelkeep.services.registry import Registry
from wheelkeep.services.releases import ReleaseRef, delete_files

UPLOAD = "/api/v4/projects/1/packages/pypi"


def assert_refused(
    registry: Registry,
    send: Callable[[], httpx.Response],
    reason: str,
    status: int = 400,
) -> httpx.Response:
    before = stored_state(registry)

    response = send()

    assert response.status_code == status, response.text
    assert reason in response.text
    assert stored_state(registry) == before
    return response


def send_raw(
    api: Api, fields: dict[str, str], filename: bytes, content: bytes
) -> httpx.Response:
    body, content_type = multipart_body(fields, filename, content)
    return api.client.post(
        UPLOAD, content=body, headers={**api.auth, "Content-Type": content_type}
    )


@pytest.fixture
def uploaded(api: Api) -> Dist:
    """A package already in the index, so refusals must leave it untouched."""
    dist = Dist(name="present")
    assert api.upload(dist).status_code == 200
    return dist


@pytest.mark.parametrize(
    "filename",
    [
        b"../demo-1.0-py3-none-any.whl",
        b"a/demo-1.0-py3-none-any.whl",
        b"..\\\\demo-1.0-py3-none-any.whl",
        b"demo-1.0-py3-none-any.whl\x00.txt",
        b"\x00demo-1.0-py3-none-any.whl",
        b"/etc/demo-1.0-py3-none-any.whl",
    ],
)
def test_an_unsafe_filename_is_refused(
    api: Api, registry: Registry, uploaded: Dist, filename: bytes
) -> None:
    dist = Dist()
    content = wheel_bytes(dist)
    fields = upload_fields(dist, dist.wheel_filename, content)

    assert_refused(
        registry,
        lambda: send_raw(api, fields, filename, content),
        "Invalid filename",
    )


@pytest.mark.parametrize("algorithm", ["sha256", "md5", "blake2_256"])
def test_a_digest_that_does_not_match_the_bytes_is_refused(
    api: Api, registry: Registry, uploaded: Dist, algorithm: str
) -> None:
    wrong = {"sha256": "0" * 64, "md5": "0" * 32, "blake2_256": "0" * 64}[algorithm]

    assert_refused(
        registry,
        lambda: api.upload(Dist(), fields={f"{algorithm}_digest": wrong}),
        f"The {algorithm} digest sent does not match the file received",
    )


def test_a_digest_sent_in_upper_case_is_accepted(api: Api) -> None:
    dist = Dist()
    content = wheel_bytes(dist)
    digest = upload_fields(dist, dist.wheel_filename, content)["sha256_digest"]

    response = api.upload(
        dist, content=content, fields={"sha256_digest": digest.upper()}
    )

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("form", "file", "metadata", "reason"),
    [
        # form and filename disagree, the file agrees with its filename
        (("other", "1.0"), ("demo", "1.0"), ("demo", "1.0"), "form says 'other'"),
        (("demo", "2.0"), ("demo", "1.0"), ("demo", "1.0"), "form says 2.0"),
        # filename and metadata disagree, the form agrees with the filename
        (("demo", "1.0"), ("demo", "1.0"), ("other", "1.0"), "package 'other'"),
        (("demo", "1.0"), ("demo", "1.0"), ("demo", "2.0"), "version 2.0"),
        # form and metadata disagree with a filename that sides with the form
        (("other", "2.0"), ("other", "2.0"), ("demo", "1.0"), "package 'demo'"),
        # form and metadata agree, the filename is the odd one out
        (("demo", "1.0"), ("other", "1.0"), ("demo", "1.0"), "package 'other'"),
        (("demo", "1.0"), ("demo", "3.0"), ("demo", "1.0"), "version 3.0"),
    ],
)
def test_name_and_version_must_agree_between_form_filename_and_metadata(
    api: Api,
    registry: Registry,
    uploaded: Dist,
    form: tuple[str, str],
    file: tuple[str, str],
    metadata: tuple[str, str],
    reason: str,
) -> None:
    named = Dist(name=file[0], version=file[1])
    inner = Dist(name=metadata[0], version=metadata[1])
    content = wheel_bytes(named, metadata=inner.metadata())

    assert_refused(
        registry,
        lambda: api.upload(
            named, content=content, fields={"name": form[0], "version": form[1]}
        ),
        reason,
    )


def test_an_sdists_pkg_info_must_agree_with_its_filename(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    dist = Dist()
    content = sdist_bytes(Dist(version="9.9"))

    assert_refused(
        registry,
        lambda: api.upload(dist, content=content, sdist=True),
        "is for version 9.9, but the filename says 1.0",
    )


def test_a_corrupt_zip_is_refused(api: Api, registry: Registry, uploaded: Dist) -> None:
    content = wheel_bytes(Dist())[:-100]

    assert_refused(
        registry, lambda: api.upload(Dist(), content=content), "not a readable zip"
    )


@pytest.mark.parametrize("missing", ["METADATA", "WHEEL", "RECORD"])
def test_a_wheel_without_a_required_file_is_refused(
    api: Api, registry: Registry, uploaded: Dist, missing: str
) -> None:
    content = wheel_bytes(Dist(), omit=(missing,))

    assert_refused(
        registry,
        lambda: api.upload(Dist(), content=content),
        f"demo-1.0.dist-info/ has no {missing} file",
    )


def test_a_wheel_with_two_dist_info_folders_is_refused(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    buffer = io.BytesIO(wheel_bytes(Dist()))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("demo2-1.0.dist-info/METADATA", Dist().metadata())

    assert_refused(
        registry,
        lambda: api.upload(Dist(), content=buffer.getvalue()),
        "exactly one .dist-info folder (found: demo-1.0.dist-info, demo2-1.0",
    )


def test_a_dist_info_folder_for_another_release_is_refused(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    content = wheel_bytes(Dist(), dist_info="demo-1.1.dist-info")

    assert_refused(
        registry,
        lambda: api.upload(Dist(), content=content),
        "its folder demo-1.1.dist-info/ does not match",
    )


def test_invalid_metadata_is_refused(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    metadata = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: ?\n\n"
    content = wheel_bytes(Dist(), metadata=metadata)

    assert_refused(
        registry,
        lambda: api.upload(Dist(), content=content),
        "Invalid core metadata in 'demo-1.0-py3-none-any.whl'",
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"metadata_version": "1.3"}, "Unsupported 'metadata_version' '1.3'"),
        ({":action": "submit"}, "Unsupported ':action' 'submit'"),
        ({":action": "doc_upload"}, "only 'file_upload' is accepted"),
        ({"protocol_version": "2"}, "Unsupported 'protocol_version'"),
        ({"filetype": "bdist_egg"}, "Unsupported 'filetype' 'bdist_egg'"),
        ({"name": ""}, "Missing form field 'name'"),
    ],
)
def test_a_bad_protocol_field_is_refused(
    api: Api, registry: Registry, uploaded: Dist, fields: dict[str, str], reason: str
) -> None:
    assert_refused(registry, lambda: api.upload(Dist(), fields=fields), reason)


def test_a_form_without_the_file_is_refused(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    dist = Dist()
    fields = upload_fields(dist, dist.wheel_filename, b"")

    assert_refused(
        registry,
        lambda: api.client.post(UPLOAD, data=fields, files={}, headers=api.auth),
        "Uploads must be sent as multipart/form-data",
    )
    assert_refused(
        registry,
        lambda: api.client.post(
            UPLOAD,
            data=fields,
            files={"other": ("x.whl", b"x")},
            headers=api.auth,
        ),
        "The form has no file: send it in the 'content' field",
    )


def test_an_empty_file_is_refused(api: Api, registry: Registry, uploaded: Dist) -> None:
    assert_refused(registry, lambda: api.upload(Dist(), content=b""), "is empty")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"--xyz\r\nnot a form", "Malformed multipart body"),
        (
            b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue',
            "The upload body is truncated: the form has no end",
        ),
    ],
)
def test_a_body_that_is_not_a_whole_form_is_refused(
    api: Api, registry: Registry, uploaded: Dist, body: bytes, reason: str
) -> None:
    headers = {**api.auth, "Content-Type": "multipart/form-data; boundary=xyz"}

    assert_refused(
        registry, lambda: api.client.post(UPLOAD, content=body, headers=headers), reason
    )


@pytest.fixture
def small_limit(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> int:
    limit = 8 * 1024
    monkeypatch.setattr(registry.settings, "max_upload_bytes", limit)
    return limit


def test_a_body_over_the_limit_is_refused_from_its_content_length(
    api: Api, registry: Registry, uploaded: Dist, small_limit: int
) -> None:
    big = Dist(payload=random.Random(0).randbytes(4 * small_limit))

    assert_refused(
        registry,
        lambda: api.upload(big),
        f"larger than this registry's limit of {small_limit} bytes",
        status=413,
    )


def test_a_body_over_the_limit_is_refused_while_streaming(
    api: Api, registry: Registry, uploaded: Dist, small_limit: int
) -> None:
    dist = Dist()
    content = wheel_bytes(dist) + b"\0" * (4 * small_limit)
    body, content_type = multipart_body(
        upload_fields(dist, dist.wheel_filename, content), dist.wheel_filename, content
    )

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 1024):
            yield body[start : start + 1024]

    def send() -> httpx.Response:
        return api.client.post(
            UPLOAD, content=chunks(), headers={**api.auth, "Content-Type": content_type}
        )

    response = assert_refused(
        registry, send, f"limit of {small_limit} bytes", status=413
    )
    assert "content-length" not in response.request.headers


def test_a_body_at_the_limit_is_accepted(
    api: Api, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = Dist()
    content = wheel_bytes(dist)
    body, content_type = multipart_body(
        upload_fields(dist, dist.wheel_filename, content), dist.wheel_filename, content
    )
    monkeypatch.setattr(registry.settings, "max_upload_bytes", len(body))

    response = api.client.post(
        UPLOAD, content=body, headers={**api.auth, "Content-Type": content_type}
    )

    assert response.status_code == 200, response.text


def test_the_same_filename_with_other_bytes_is_refused(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    other = wheel_bytes(Dist(name="present", payload=b"VALUE = 2\n"))

    assert_refused(
        registry,
        lambda: api.upload(uploaded, content=other),
        "File already exists",
    )


def test_a_deleted_filename_can_never_be_uploaded_again(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    operator = Principal(actor="test", scopes=ALL_SCOPES, is_admin=True)
    delete_files(registry, operator, ReleaseRef(1, "present", "1.0"))

    for content in (wheel_bytes(uploaded), wheel_bytes(Dist("present", padding=1))):
        assert_refused(
            registry,
            lambda content=content: api.upload(uploaded, content=content),
            "File already exists: 'present-1.0-py3-none-any.whl' was uploaded "
            "before and deleted",
        )


@pytest.mark.parametrize(
    "spelling",
    [
        "Present-1.0-py3-none-any.whl",
        "present-1.0.0-py3-none-any.whl",
        "PRESENT-1-py3-none-any.whl",
    ],
)
def test_another_spelling_of_a_taken_filename_is_refused(
    api: Api, registry: Registry, uploaded: Dist, spelling: str
) -> None:
    other = wheel_bytes(Dist(name="present", payload=b"VALUE = 2\n"))

    assert_refused(
        registry,
        lambda: api.upload(uploaded, content=other, filename=spelling),
        "File already exists: 'present-1.0-py3-none-any.whl' is already in this",
    )


def test_another_spelling_of_a_deleted_filename_is_refused(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    operator = Principal(actor="test", scopes=ALL_SCOPES, is_admin=True)
    delete_files(registry, operator, ReleaseRef(1, "present", "1.0"))
    other = wheel_bytes(Dist(name="present", payload=b"VALUE = 2\n"))

    assert_refused(
        registry,
        lambda: api.upload(
            uploaded, content=other, filename="Present-1.0.0-py3-none-any.whl"
        ),
        "'present-1.0-py3-none-any.whl' was uploaded before and deleted",
    )


def test_identical_bytes_under_another_spelling_are_a_no_op(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    before = stored_state(registry)

    response = api.upload(uploaded, filename="PRESENT-1.0-py3-none-any.whl")

    assert response.status_code == 200
    assert "identical file already present" in response.text
    assert stored_state(registry) == before


def test_another_build_of_the_same_release_is_a_new_file(
    api: Api, uploaded: Dist
) -> None:
    rebuilt = wheel_bytes(Dist(name="present", payload=b"VALUE = 2\n"))

    response = api.upload(
        uploaded, content=rebuilt, filename="present-1.0-1-py3-none-any.whl"
    )

    assert response.status_code == 200, response.text


def test_an_identical_upload_is_a_no_op(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    before = stored_state(registry)
    serial = api.get("/simple/").headers["X-PyPI-Last-Serial"]

    response = api.upload(uploaded)

    assert response.status_code == 200
    assert "identical file already present" in response.text
    assert stored_state(registry) == before
    assert api.get("/simple/").headers["X-PyPI-Last-Serial"] == serial


def test_the_short_legacy_path_uploads_to_the_default_project(api: Api) -> None:
    response = api.upload(Dist(), path="/legacy/")

    assert response.status_code == 200, response.text
    assert api.get("/simple/demo/").status_code == 200


@pytest.mark.parametrize(
    "version", ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5"]
)
def test_every_metadata_version_is_accepted(api: Api, version: str) -> None:
    dist = Dist(metadata_version=version)
    metadata = dist.metadata()
    if version == "2.5":
        metadata = metadata.replace(b"\n\n", b"\nImport-Name: demo\n\n")
    content = wheel_bytes(dist, metadata=metadata)

    response = api.upload(dist, content=content)

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "tag",
    [
        "cp310-cp310-linux_aarch64",
        "cp310-cp310-linux_x86_64",
        "cp310-cp310-manylinux_2_17_aarch64.manylinux2014_aarch64",
        "cp312-cp312-manylinux_2_28_x86_64",
        "cp311-cp311-musllinux_1_2_aarch64",
    ],
)
def test_any_valid_platform_tag_is_accepted(api: Api, tag: str) -> None:
    dist = Dist(tag=tag)

    response = api.upload(dist, fields={"pyversion": tag.split("-")[0]})

    assert response.status_code == 200, response.text
    page = api.get("/simple/demo/", Accept="application/vnd.pypi.simple.v1+json")
    assert [f["filename"] for f in page.json()["files"]] == [dist.wheel_filename]


def test_an_sdist_is_accepted(api: Api, registry: Registry) -> None:
    before = stored_state(registry)

    response = api.upload(Dist(), sdist=True)

    assert response.status_code == 200, response.text
    after = stored_state(registry)
    assert (after.files, after.releases, after.packages) == (1, 1, 1)
    assert len(after.blobs - before.blobs) == 2  # the sdist and its PKG-INFO
    assert after.pending == 0


def test_an_upload_without_credentials_is_challenged(
    api: Api, registry: Registry
) -> None:
    dist = Dist()
    content = wheel_bytes(dist)

    response = assert_refused(
        registry,
        lambda: api.client.post(
            UPLOAD,
            data=upload_fields(dist, dist.wheel_filename, content),
            files={"content": (dist.wheel_filename, content)},
        ),
        "Authentication required",
        status=401,
    )
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_a_form_with_two_files_is_refused(
    api: Api, registry: Registry, uploaded: Dist
) -> None:
    dist = Dist()
    content = wheel_bytes(dist)
    fields = upload_fields(dist, dist.wheel_filename, content)

    assert_refused(
        registry,
        lambda: api.client.post(
            UPLOAD,
            data=fields,
            files=[
                ("content", (dist.wheel_filename, content)),
                ("content", (dist.wheel_filename, content)),
            ],
            headers=api.auth,
        ),
        "The form holds more than one file",
    )


def test_a_form_field_over_its_limit_is_refused(
    api: Api, registry: Registry, uploaded: Dist, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry.settings, "max_form_field_bytes", 1024)

    assert_refused(
        registry,
        lambda: api.upload(Dist(), fields={"description": "x" * 2048}),
        "The form field 'description' is too long",
    )
