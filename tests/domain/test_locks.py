"""Reading uv.lock, pylock.toml and hashed requirements: what each machine installs."""

import pytest
from packaging.version import Version

from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.locks import (
    HashedRequirements,
    LockedFile,
    LockFormat,
    Pin,
    PylockFile,
    UvLock,
    read_lock,
)
from wheelkeep.domain.profiles import Profile

JETSON = Profile.create(
    "jetson-orin-jp6", "3.10", ["manylinux_2_35_aarch64", "linux_aarch64"]
)
SERVER = Profile.create("server", "3.12", ["manylinux_2_28_x86_64"])
INDEX = "https://upstream.example/simple/"
FILES = "https://upstream.example/files"

UV_LOCK = f"""\
version = 1
revision = 3
requires-python = ">=3.10"
resolution-markers = [
    "python_full_version >= '3.12'",
    "python_full_version < '3.12'",
]

[[package]]
name = "edge-app"
version = "0.1.0"
source = {{ virtual = "." }}
dependencies = [
    {{ name = "edge-tool" }},
    {{ name = "numpy", version = "1.26.4", source = {{ registry = "{INDEX}" }}, \
marker = "python_full_version < '3.12'" }},
    {{ name = "numpy", version = "2.1.0", source = {{ registry = "{INDEX}" }}, \
marker = "python_full_version >= '3.12'" }},
    {{ name = "onnxruntime-gpu", marker = "platform_machine == 'aarch64'" }},
    {{ name = "shared-lib" }},
]

[package.optional-dependencies]
viz = [{{ name = "plotter" }}]

[package.dev-dependencies]
dev = [{{ name = "checker", marker = "sys_platform == 'win32'" }}]

[[package]]
name = "edge-tool"
version = "1.0"
source = {{ registry = "{INDEX}" }}
dependencies = [{{ name = "helper", extra = ["fast"] }}]
sdist = {{ url = "{FILES}/edge_tool-1.0.tar.gz", hash = "sha256:AAAA", size = 10 }}
wheels = [
    {{ url = "{FILES}/edge_tool-1.0-py3-none-any.whl", hash = "sha256:bbbb" }},
]

[[package]]
name = "helper"
version = "2.0"
source = {{ registry = "{INDEX}" }}
wheels = [{{ url = "{FILES}/helper-2.0-py3-none-any.whl", hash = "sha256:cccc" }}]

[package.optional-dependencies]
fast = [{{ name = "speedup", marker = "platform_machine == 'x86_64'" }}]
slow = [{{ name = "never-installed" }}]

[[package]]
name = "speedup"
version = "0.1"
source = {{ registry = "{INDEX}" }}
wheels = [{{ url = "{FILES}/speedup-0.1-py3-none-any.whl", hash = "sha256:dddd" }}]

[[package]]
name = "never-installed"
version = "0.1"
source = {{ registry = "{INDEX}" }}
wheels = [{{ url = "{FILES}/never_installed-0.1-py3-none-any.whl", \
hash = "sha256:eeee" }}]

[[package]]
name = "numpy"
version = "1.26.4"
source = {{ registry = "{INDEX}" }}
resolution-markers = ["python_full_version < '3.12'"]
wheels = [{{ url = "{FILES}/numpy-1.26.4-cp310-cp310-manylinux_2_17_aarch64.whl", \
hash = "sha256:1111" }}]

[[package]]
name = "numpy"
version = "2.1.0"
source = {{ registry = "{INDEX}" }}
resolution-markers = ["python_full_version >= '3.12'"]
wheels = [{{ url = "{FILES}/numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.whl", \
hash = "sha256:2222" }}]

[[package]]
name = "onnxruntime-gpu"
version = "1.18.0"
source = {{ registry = "{INDEX}" }}
wheels = [{{ url = "{FILES}/onnxruntime_gpu-1.18.0-cp310-cp310-linux_aarch64.whl", \
hash = "sha256:3333" }}]

[[package]]
name = "plotter"
version = "3.0"
source = {{ registry = "{INDEX}" }}
wheels = [{{ url = "{FILES}/plotter-3.0-py3-none-any.whl", hash = "sha256:4444" }}]

[[package]]
name = "checker"
version = "1.0"
source = {{ registry = "{INDEX}" }}
wheels = [{{ url = "{FILES}/checker-1.0-py3-none-any.whl", hash = "sha256:5555" }}]

[[package]]
name = "shared-lib"
version = "0.3"
source = {{ editable = "../shared" }}
dependencies = [{{ name = "plotter" }}]
"""


def pins(lock: UvLock | PylockFile | HashedRequirements, profile: Profile) -> list[str]:
    return [pin.label for pin in lock.pins_for(profile)]


def test_uv_lock_follows_markers_forks_and_extras() -> None:
    lock = read_lock("uv.lock", UV_LOCK)

    assert lock.format is LockFormat.UV
    assert pins(lock, JETSON) == [
        "edge-tool 1.0",
        "helper 2.0",
        "numpy 1.26.4",
        "onnxruntime-gpu 1.18.0",
        "plotter 3.0",
    ]
    assert pins(lock, SERVER) == [
        "edge-tool 1.0",
        "helper 2.0",
        "speedup 0.1",
        "numpy 2.1.0",
        "plotter 3.0",
    ]


def test_uv_lock_files_and_hashes() -> None:
    lock = read_lock("uv.lock", UV_LOCK)

    edge_tool = next(pin for pin in lock.pins_for(JETSON) if pin.name == "edge-tool")

    assert edge_tool == Pin(
        "edge-tool",  # type: ignore[arg-type]
        Version("1.0"),
        (
            LockedFile("edge_tool-1.0-py3-none-any.whl", "bbbb"),
            LockedFile("edge_tool-1.0.tar.gz", "aaaa"),
        ),
    )


def test_uv_lock_notes_what_it_skips() -> None:
    lock = read_lock("uv.lock", UV_LOCK)

    assert lock.notes == [
        "edge-app 0.1.0: the project itself; not checked",
        "shared-lib 0.3: from editable ../shared; not checked",
    ]


def test_uv_lock_python_range() -> None:
    lock = read_lock("uv.lock", UV_LOCK)
    old = Profile.create("old", "3.9", ["manylinux_2_17_x86_64"])

    assert lock.python_supported(JETSON) is None
    assert lock.python_supported(old) == (
        "the lock requires Python >=3.10, and the profile has Python 3.9.0"
    )


PYLOCK = f"""\
lock-version = "1.0"
created-by = "tests"
requires-python = ">=3.10"
extras = ["gpu"]

[[packages]]
name = "onnxruntime-gpu"
version = "1.18.0"
marker = "platform_machine == 'aarch64' and 'gpu' in extras"
index = "{INDEX}"
wheels = [
    {{ name = "onnxruntime_gpu-1.18.0-cp310-cp310-linux_aarch64.whl", \
url = "{FILES}/onnxruntime_gpu-1.18.0-cp310-cp310-linux_aarch64.whl", \
hashes = {{ sha256 = "ABCD" }} }},
]

[[packages]]
name = "edge-tool"
version = "1.0"
index = "{INDEX}"
sdist = {{ url = "{FILES}/edge_tool-1.0.tar.gz", hashes = {{ sha256 = "ef01" }} }}

[[packages]]
name = "local-lib"
directory = {{ path = "./local" }}

[[packages]]
name = "forked"
vcs = {{ type = "git", url = "https://upstream.example/forked.git", commit-id = "abc" }}
"""


def test_pylock_markers_and_files() -> None:
    lock = read_lock("pylock.toml", PYLOCK)

    assert lock.format is LockFormat.PYLOCK
    assert pins(lock, JETSON) == ["onnxruntime-gpu 1.18.0", "edge-tool 1.0"]
    assert pins(lock, SERVER) == ["edge-tool 1.0"]
    assert lock.pins_for(JETSON)[0].files == (
        LockedFile("onnxruntime_gpu-1.18.0-cp310-cp310-linux_aarch64.whl", "abcd"),
    )
    assert lock.pins_for(SERVER)[0].files == (
        LockedFile("edge_tool-1.0.tar.gz", "ef01"),
    )
    assert lock.notes == [
        "local-lib: from the directory ./local; not checked",
        "forked: from a git checkout; not checked",
    ]


def test_pylock_is_recognised_by_content_and_named_pylock_files() -> None:
    assert read_lock("pylock.dev.toml", PYLOCK).format is LockFormat.PYLOCK
    assert read_lock("locked.toml", PYLOCK).format is LockFormat.PYLOCK
    assert read_lock("any-name", UV_LOCK).format is LockFormat.UV


def test_invalid_pylock() -> None:
    with pytest.raises(InvalidRequest, match=r"Invalid pylock\.toml"):
        read_lock("pylock.toml", 'lock-version = "1.0"\n')


REQUIREMENTS = """\
# hashed, as pip-compile writes them
--index-url https://upstream.example/simple/
edge-tool==1.0 \\
    --hash=sha256:AAAA \\
    --hash=sha256:bbbb
onnxruntime-gpu==1.18.0 ; platform_machine == "aarch64" --hash=sha256:cccc
numpy===1.26.4 --hash sha256:dddd  # pinned arbitrarily
helper>=2.0 --hash=sha256:eeee
plotter==3.* --hash=sha256:ffff
direct @ https://upstream.example/direct-1.0.tar.gz#sha256=0000
nohash==1.0
other==2.0 --hash=sha512:abcd
"""


def test_requirements_pins_hashes_and_markers() -> None:
    lock = read_lock("requirements.txt", REQUIREMENTS)

    assert lock.format is LockFormat.REQUIREMENTS
    assert pins(lock, JETSON) == [
        "edge-tool 1.0",
        "onnxruntime-gpu 1.18.0",
        "numpy 1.26.4",
        "nohash 1.0",
        "other 2.0",
    ]
    assert pins(lock, SERVER) == [
        "edge-tool 1.0",
        "numpy 1.26.4",
        "nohash 1.0",
        "other 2.0",
    ]
    edge_tool = lock.pins_for(SERVER)[0]
    assert edge_tool.hashes == {"aaaa", "bbbb"}
    assert edge_tool.files == ()
    assert lock.pins_for(SERVER)[1].hashes == {"dddd"}


def test_requirements_notes() -> None:
    lock = read_lock("requirements.txt", REQUIREMENTS)

    assert lock.notes == [
        "line 2: option --index-url ignored",
        "line 8: helper>=2.0 is not pinned to a version with ==; not checked",
        "line 9: plotter==3.* is not pinned to a version with ==; not checked",
        "line 10: direct @ https://upstream.example/direct-1.0.tar.gz#sha256=0000 "
        "is not pinned to a version with ==; not checked",
        "line 11: nohash 1.0 lists no sha256 hash",
        "line 12: other 2.0 lists no sha256 hash",
    ]


def test_invalid_requirement() -> None:
    with pytest.raises(InvalidRequest, match="line 2"):
        read_lock("requirements.txt", "ok==1.0\nnot a requirement!!\n")


def test_files_without_sha256_are_noted() -> None:
    text = f"""\
lock-version = "1.0"
created-by = "tests"

[[packages]]
name = "demo"
version = "1.0"
wheels = [{{ url = "{FILES}/demo-1.0-py3-none-any.whl", hashes = {{ sha512 = "ab" }} }}]
"""
    lock = read_lock("pylock.toml", text)

    assert lock.notes == [
        "demo: demo-1.0-py3-none-any.whl has no sha256 in the lock; its bytes are "
        "not compared"
    ]
    assert lock.pins_for(JETSON)[0].files == (
        LockedFile("demo-1.0-py3-none-any.whl", None),
    )


@pytest.mark.parametrize(
    "text",
    [
        "version = 1\npackage = [{ version = '1.0' }]\n",
        "version = 1\n[[package]]\nname = 'a'\ndependencies = [{ marker = 'x' }]\n",
        "version = 1\n[[package]]\nname = 'a'\ndependencies = 'b'\n",
    ],
)
def test_invalid_uv_lock(text: str) -> None:
    with pytest.raises(InvalidRequest, match=r"Invalid uv\.lock"):
        read_lock("uv.lock", text)
