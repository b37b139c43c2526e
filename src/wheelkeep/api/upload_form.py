"""Streaming the legacy upload form: fields in memory, the file to a pending blob.

The multipart body is parsed as it arrives. The ``content`` part goes straight
to a pending blob (hashed on the way, in worker threads, a megabyte at a time);
every other part is a short text field kept in memory up to a limit. Memory use
is the same for a 1 KiB and a 5 GiB upload.
"""

from dataclasses import dataclass, field
from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from wheelkeep.domain.errors import InvalidUpload, UploadTooLarge
from wheelkeep.storage.base import BlobStore, PendingBlob

WRITE_BATCH = 1024 * 1024


@dataclass
class UploadBody:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    pending: PendingBlob | None = None


@dataclass
class _PartState:
    header_field: bytes = b""
    header_value: bytes = b""
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    is_file: bool = False
    text: bytearray = field(default_factory=bytearray)


class _FormReader:
    def __init__(self, body: UploadBody, blobs: BlobStore, max_field: int) -> None:
        self.body = body
        self.blobs = blobs
        self.max_field = max_field
        self.part = _PartState()
        self.buffer = bytearray()
        self.finished = False

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self.part = _PartState()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self.part.header_field.lower()] = self.part.header_value
        self.part.header_field = b""
        self.part.header_value = b""

    def on_headers_finished(self) -> None:
        disposition = self.part.headers.get(b"content-disposition", b"")
        _, options = parse_options_header(disposition)
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if self.part.name == "content" and filename is not None:
            if self.body.pending is not None:
                raise InvalidUpload("The form holds more than one file.")
            self.part.is_file = True
            # Known shortcoming: the multipart parser cuts a Windows path
            # ('C:\\dist\\x.whl') down to its last part before it gets here,
            # so such a name is accepted as 'x.whl' rather than refused.
            self.body.filename = filename.decode("utf-8", "replace")
            self.body.pending = self.blobs.begin()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part.is_file:
            self.buffer += data[start:end]
            return
        self.part.text += data[start:end]
        if len(self.part.text) > self.max_field:
            raise InvalidUpload(f"The form field {self.part.name!r} is too long.")

    def on_part_end(self) -> None:
        if self.part.is_file:
            return
        value = self.part.text.decode("utf-8", "replace")
        # Repeated fields (classifiers, requires_dist) are joined; the rules
        # read only single-valued fields from the form.
        previous = self.body.fields.get(self.part.name)
        self.body.fields[self.part.name] = (
            value if previous is None else f"{previous}\n{value}"
        )

    def on_end(self) -> None:
        self.finished = True


async def read_upload_form(
    request: Request, blobs: BlobStore, max_bytes: int, max_field: int
) -> UploadBody:
    """Read the whole form; on any error the pending blob is discarded."""
    boundary = _boundary(request)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = UploadBody()
    reader = _FormReader(body, blobs, max_field)
    parser = MultipartParser(boundary, reader.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes:
                raise _too_large(max_bytes)
            parser.write(chunk)
            if len(reader.buffer) >= WRITE_BATCH:
                await _flush(reader)
        parser.finalize()
        await _flush(reader)
        if body.pending is not None:
            await run_in_threadpool(body.pending.finish)
    except MultipartParseError as error:
        _discard(body)
        raise InvalidUpload(f"Malformed multipart body: {error}.") from None
    except ClientDisconnect:
        _discard(body)
        raise InvalidUpload(
            "The upload ended before the whole body arrived (client disconnected)."
        ) from None
    except BaseException:
        _discard(body)
        raise
    if not reader.finished:
        _discard(body)
        raise InvalidUpload("The upload body is truncated: the form has no end.")
    if body.pending is None or body.filename is None:
        raise InvalidUpload("The form has no file: send it in the 'content' field.")
    return body


async def _flush(reader: _FormReader) -> None:
    if reader.buffer and reader.body.pending is not None:
        chunk = bytes(reader.buffer)
        reader.buffer.clear()
        await run_in_threadpool(reader.body.pending.write, chunk)


def _discard(body: UploadBody) -> None:
    if body.pending is not None:
        body.pending.discard()


def _boundary(request: Request) -> bytes:
    content_type, options = parse_options_header(
        request.headers.get("content-type", "")
    )
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise InvalidUpload("Uploads must be sent as multipart/form-data.")
    return options[b"boundary"]


def _too_large(max_bytes: int) -> UploadTooLarge:
    return UploadTooLarge(
        f"The upload is larger than this registry's limit of {max_bytes} bytes."
    )
