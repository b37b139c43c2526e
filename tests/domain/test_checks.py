"""What a lock check reports for each profile."""

from wheelkeep.domain.checks import (
    CheckReport,
    FindingKind,
    ReleaseLookup,
    ServedFile,
    ServedRelease,
    check_lock,
)
from wheelkeep.domain.locks import read_lock
from wheelkeep.domain.profiles import Profile

JETSON = Profile.create(
    "jetson-orin-jp6", "3.10", ["manylinux_2_35_aarch64", "linux_aarch64"]
)
SERVER = Profile.create("server", "3.12", ["manylinux_2_28_x86_64"])
ARM = "demo-1.0-cp310-cp310-linux_aarch64.whl"
X86 = "demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"


def registry(*files: tuple[str, str], yanked: bool = False) -> ServedRelease:
    return ServedRelease(
        {name: ServedFile(sha256, None) for name, sha256 in files}, yanked
    )


def lookup(release: ServedRelease | None) -> ReleaseLookup:
    """The registry serving ``release`` as demo 1.0, and nothing else."""
    return lambda pin: release if pin.name == "demo" else None


def uv_lock(*wheels: tuple[str, str], extra: str = "") -> str:
    entries = ", ".join(
        f'{{ url = "https://upstream.example/files/{name}", hash = "sha256:{digest}" }}'
        for name, digest in wheels
    )
    return f"""\
version = 1
requires-python = ">=3.10"

[[package]]
name = "app"
version = "0.1.0"
source = {{ virtual = "." }}
dependencies = [{{ name = "demo" }}{extra}]

[[package]]
name = "demo"
version = "1.0"
source = {{ registry = "https://upstream.example/simple/" }}
wheels = [{entries}]
"""


def kinds(report: CheckReport) -> list[tuple[str, FindingKind, str | None]]:
    return [(f.profile, f.kind, f.package) for f in report.findings]


def test_a_lock_that_installs_everywhere() -> None:
    lock = read_lock("uv.lock", uv_lock((ARM, "aa"), (X86, "bb")))

    report = check_lock(
        lock, [JETSON, SERVER], lookup(registry((ARM, "aa"), (X86, "bb")))
    )

    assert report.ok
    assert report.checked == {"jetson-orin-jp6": 1, "server": 1}
    assert report.notes == ["app 0.1.0: the project itself; not checked"]


def test_missing_file_for_one_profile() -> None:
    lock = read_lock("uv.lock", uv_lock((ARM, "aa"), (X86, "bb")))

    report = check_lock(lock, [JETSON, SERVER], lookup(registry((X86, "bb"))))

    assert kinds(report) == [("jetson-orin-jp6", FindingKind.MISSING_FILE, "demo")]
    assert report.findings[0].filename == ARM
    assert report.findings[0].message == (
        f"{ARM} (what jetson-orin-jp6 installs) is not in the registry"
    )


def test_hash_that_differs_from_the_registry() -> None:
    lock = read_lock("uv.lock", uv_lock((ARM, "aa"), (X86, "bb")))

    report = check_lock(lock, [SERVER], lookup(registry((ARM, "aa"), (X86, "cc"))))

    assert kinds(report) == [("server", FindingKind.HASH_MISMATCH, "demo")]
    assert report.findings[0].message == (
        f"the lock pins {X86} to sha256 bb; the registry serves sha256 cc"
    )


def test_lock_without_a_file_for_a_profile() -> None:
    lock = read_lock("uv.lock", uv_lock((X86, "bb")))

    report = check_lock(lock, [JETSON], lookup(registry((ARM, "aa"), (X86, "bb"))))

    assert kinds(report) == [
        ("jetson-orin-jp6", FindingKind.NO_FILE_FOR_PROFILE, "demo")
    ]
    assert report.findings[0].message == (
        "the lock lists no file of demo 1.0 for jetson-orin-jp6: no compatible "
        f"wheel; the registry has {ARM}: lock again"
    )


def test_release_missing_from_the_registry() -> None:
    lock_text = uv_lock((ARM, "aa"), extra=', { name = "gone" }') + (
        '\n[[package]]\nname = "gone"\nversion = "2.0"\n'
        'source = { registry = "https://upstream.example/simple/" }\n'
    )
    lock = read_lock("uv.lock", lock_text)

    report = check_lock(lock, [JETSON], lookup(registry((ARM, "aa"))))

    assert kinds(report) == [("jetson-orin-jp6", FindingKind.MISSING_RELEASE, "gone")]
    assert report.findings[0].message == "gone 2.0 is not in the registry"


def test_python_outside_the_lock_range() -> None:
    lock = read_lock("uv.lock", uv_lock((ARM, "aa")))
    old = Profile.create("old", "3.9", ["linux_aarch64"])

    report = check_lock(lock, [old], lookup(registry((ARM, "aa"))))

    assert kinds(report) == [("old", FindingKind.PYTHON_EXCLUDED, None)]
    assert report.checked == {}


def test_requirements_are_checked_against_the_best_registry_file() -> None:
    requirements = read_lock("requirements.txt", "demo==1.0 --hash=sha256:aa\n")
    served = lookup(registry((ARM, "aa"), (X86, "bb")))

    report = check_lock(requirements, [JETSON, SERVER], served)

    assert kinds(report) == [("server", FindingKind.HASH_MISMATCH, "demo")]
    assert report.findings[0].filename == X86


def test_yanked_release_is_noted_not_failed() -> None:
    lock = read_lock("uv.lock", uv_lock((ARM, "aa")))

    report = check_lock(lock, [JETSON], lookup(registry((ARM, "aa"), yanked=True)))

    assert report.ok
    assert report.notes[-1] == "demo 1.0: yanked in the registry"


def test_sdist_counts_only_when_allowed() -> None:
    requirements = read_lock("requirements.txt", "demo==1.0 --hash=sha256:cc\n")
    served = lookup(registry((ARM, "aa"), ("demo-1.0.tar.gz", "cc")))

    refused = check_lock(requirements, [SERVER], served)
    allowed = check_lock(requirements, [SERVER], served, allow_sdist=True)

    assert kinds(refused) == [("server", FindingKind.NO_FILE_FOR_PROFILE, "demo")]
    assert allowed.ok


def test_report_document() -> None:
    lock = read_lock("uv.lock", uv_lock((ARM, "aa")))

    document = check_lock(lock, [JETSON], lookup(None)).as_dict()

    assert document == {
        "ok": False,
        "format": "uv.lock",
        "profiles": ["jetson-orin-jp6"],
        "checked": {"jetson-orin-jp6": 1},
        "findings": [
            {
                "profile": "jetson-orin-jp6",
                "kind": "missing-release",
                "package": "demo",
                "version": "1.0",
                "filename": None,
                "message": "demo 1.0 is not in the registry",
            }
        ],
        "notes": ["app 0.1.0: the project itself; not checked"],
    }
