"""Reading and writing files so that no input hangs or floods memory and no output is torn.

Writing: :func:`write_bytes_atomic` writes a regular file under a temporary name in the same
folder and renames it over the target, so a crash or a full disk never leaves a half-written
file. It never renames over something that is not a regular file: a character device
(``/dev/null``, ``/dev/full``, a terminal) or a named pipe is written as a stream, an open file
descriptor named by ``/dev/stdout``, ``/dev/stderr`` or ``/dev/fd/N`` is written through that
descriptor (as a shell's ``>`` would), a symbolic link to a file gets its target replaced (the
link stays), and anything else (a folder, a block device, a socket, a link to nothing) is
refused. With ``replace=False`` (a command whose contract is "create") an existing file is
refused, also when it appears while the data is being written.

Reading: :func:`read_bytes_limited` looks at what a path is before reading a byte: only regular
files are read (a FIFO, ``/dev/zero`` or a folder is refused at once, without blocking), and a
file larger than the limit is refused from its size, never read whole first.

Every failure is an ``OSError`` (writing) or :class:`UnreadableFile` (reading) whose text is
one line; :func:`os_error_text` gives that line for any ``OSError``.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

__all__ = [
    "UnreadableFile",
    "os_error_text",
    "read_bytes_limited",
    "write_bytes_atomic",
    "write_text_atomic",
]

_CHUNK = 1 << 20


class UnreadableFile(Exception):
    """A file that cannot or must not be read; ``reason`` is one line without the path."""

    def __init__(self, path: str | os.PathLike[str], reason: str, *, too_large: bool = False):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
        self.too_large = too_large


def os_error_text(exc: OSError) -> str:
    """One line for an OS error: its ``strerror`` ("No space left on device"), or its text."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


# -- reading --------------------------------------------------------------------------------


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, or UnreadableFile.

    The file is opened without blocking (a FIFO with no writer does not hang) and checked with
    ``fstat`` before reading: a folder, FIFO, device or socket is refused, and so is a file
    whose size is over ``limit``. A file that grows past the limit while being read is refused
    too, so at most ``limit + 1`` bytes are ever held.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile(path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(path, "is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read: {os_error_text(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(path, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(path, f"is {_kind(info.st_mode)}, not a regular file; not read")
        if info.st_size > limit:
            raise UnreadableFile(
                path, f"file is {info.st_size:,} bytes; the limit is {limit:,}", too_large=True
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            except OSError as exc:
                raise UnreadableFile(path, f"cannot read: {os_error_text(exc)}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UnreadableFile(
                    path, f"file is more than {limit:,} bytes (the limit)", too_large=True
                )
        return b"".join(chunks)
    finally:
        os.close(fd)


# -- writing --------------------------------------------------------------------------------

_FD_PATH = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/thread-self/fd|proc/(\d+)/fd)/(\d+)$")
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _fd_named_by(path: Path) -> int | None:
    """The open file descriptor a path such as ``/dev/stdout`` or ``/dev/fd/3`` stands for."""
    p = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on symbolic links in a row
        if p in _STD_NAMES:
            return _STD_NAMES[p]
        parent, name = os.path.split(p)
        p = os.path.join(os.path.realpath(parent), name)
        m = _FD_PATH.match(p)
        if m is not None and (m[1] is None or int(m[1]) == os.getpid()):
            return int(m[2])
        if not os.path.islink(p):
            return None
        p = os.path.normpath(os.path.join(os.path.dirname(p), os.readlink(p)))
    return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_descriptor(fd: int, data: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):  # keep what Python already printed in order
        try:
            if stream is not None and stream.fileno() == fd:
                stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    _write_all(fd, data)


def _write_stream(path: Path, data: bytes) -> None:
    """A character device or FIFO: opened without blocking (a FIFO nobody reads is an error,
    not a hang), then written in blocking mode."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "no process reads this named pipe", str(path)) from None
        raise
    try:
        os.set_blocking(fd, True)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _refuse(path: Path, reason: str, code: int = errno.EINVAL) -> OSError:
    return OSError(code, reason, str(path))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_file(path: Path, data: bytes, *, replace: bool) -> None:
    """Temporary file in the same folder, then renamed (or, to create, linked) into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are for sharing
        if replace:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails if the name exists, even if it appeared just now
        except FileExistsError:
            raise FileExistsError(
                errno.EEXIST, "exists; use --force to overwrite it", str(path)
            ) from None
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(path):
                raise FileExistsError(
                    errno.EEXIST, "exists; use --force to overwrite it", str(path)
                ) from None
            os.replace(tmp, path)
            return
        os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, replace: bool = True) -> bool:
    """Write ``data`` to ``path``; True when it went to a stream (device, pipe, descriptor).

    A regular file is written whole or not at all. ``replace=False`` refuses an existing path
    (``FileExistsError``). Raises ``OSError`` with a one-line ``strerror`` on every failure.
    """
    path = Path(path)
    fd = _fd_named_by(path)
    if fd is not None:
        _write_descriptor(fd, data)
        return True
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            _write_stream(path, data)
            return True
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(path, "is a folder", errno.EISDIR)
        raise _refuse(
            path, f"is {_kind(info.st_mode)}; only files, pipes and terminals are written"
        )
    target = path
    if os.path.islink(path):
        if info is None:
            raise _refuse(path, "is a symbolic link to a file that does not exist; not followed")
        target = Path(os.path.realpath(path))
    if info is not None and not replace:
        raise FileExistsError(errno.EEXIST, "exists; use --force to overwrite it", str(path))
    _write_file(target, data, replace=replace)
    return False


def write_text_atomic(path: str | os.PathLike[str], text: str, *, replace: bool = True) -> bool:
    """:func:`write_bytes_atomic` of ``text`` in UTF-8."""
    return write_bytes_atomic(path, text.encode("utf-8"), replace=replace)
