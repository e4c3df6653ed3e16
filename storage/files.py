"""The file store: uploaded and generated documents behind a small interface.

Local folder now; object storage later, chosen by configuration (as CTFd's uploaders).
Writes are atomic: the bytes go to a temporary file in the same folder, are flushed to
disk, then renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session as OrmSession

from storage.models import StoredFile

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Blob:
    key: str
    size: int
    sha256: str


class FileStore(Protocol):
    def put(self, data: bytes) -> Blob: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


class LocalFileStore:
    """Files under one folder, named by random keys in two-level sub-folders."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if not key.isalnum() or len(key) < 8:
            raise ValueError("not a file store key")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> Blob:
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Blob(key=key, size=len(data), sha256=digest)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


def save_file(
    session: OrmSession,
    store: FileStore,
    data: bytes,
    *,
    kind: str,
    content_type: str,
    original_name: str | None = None,
    created_by: str | None = None,
) -> StoredFile:
    """Write ``data`` to the store and add its row to ``session`` (not committed).

    If the caller's transaction later fails, it must call ``discard_file`` so that no file
    is left without its row (see ``storage.files.stored_file_transaction``).
    """
    blob = store.put(data)
    row = StoredFile(
        key=blob.key,
        kind=kind,
        content_type=content_type,
        original_name=(original_name or None) and original_name[:255],
        size=blob.size,
        sha256=blob.sha256,
        created_by=created_by,
    )
    session.add(row)
    return row


def verify(store: FileStore, row: StoredFile) -> bool:
    """True when the stored bytes still match the recorded size and SHA-256."""
    data = store.get(row.key)
    return len(data) == row.size and hashlib.sha256(data).hexdigest() == row.sha256
