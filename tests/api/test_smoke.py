"""The smallest end-to-end path through the application, in-process."""

from tests.conftest import Api
from tests.factories import Dist


def test_upload_then_index_lists_the_file(api: Api) -> None:
    dist = Dist(name="Hello_World", version="1.0", requires_python=">=3.9")

    response = api.upload(dist)

    assert response.status_code == 200, response.text
    page = api.get(
        "/simple/hello-world/", Accept="application/vnd.pypi.simple.v1+json"
    ).json()
    assert [f["filename"] for f in page["files"]] == [dist.wheel_filename]
    assert page["files"][0]["requires-python"] == ">=3.9"
