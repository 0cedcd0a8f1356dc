"""Writing a file whole or not at all: a temporary file in the same folder, then one atomic rename or link.

Every command that writes CSDB objects, keys or copies goes through here, so no reader ever sees half a file
and, unless asked, no existing file is replaced.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ietm.errors import IetmError, Refused


def write_new(path: Path, data: bytes, overwrite: bool = False, durable: bool = True, mode: int | None = None) -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename.

    Without `overwrite`, an existing file is an error (Refused) and stays as it was. Any failure removes the
    temporary file, so the folder holds either the complete new file or nothing new. `durable` forces the
    data to disk before the rename (a writer's work survives a power cut); output that can be made again,
    such as product instances, skips it: it costs ~5 ms a file, most of the time of a large instance run.
    `mode` sets the file's permissions before any byte is written (0o600 for a private key).
    """
    if not overwrite and path.exists():
        raise Refused("already exists; ietm never overwrites an object (upissue it, or remove it first)", str(path))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        if not overwrite:
            # link() fails if the name was taken meanwhile, where rename() would silently replace it
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise Refused("already exists; ietm never overwrites an object", str(path)) from None
            except OSError:  # a file system without hard links: the check above is the guard
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise IetmError(f"cannot write: {exc.strerror or exc}", str(path)) from None
        raise
