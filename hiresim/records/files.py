"""Open a company's file for reading: say what it is when it is not a readable text file, read
it within a size bound, and keep control characters out of the messages about it.

A company's files (an ATS export's CSV files and ``export.json``, a mapping, ``.ics``
calendars) come from other programs and other people; whatever they are, reading them ends in
their text or in a :class:`FileRefused` that says, in words, what the file is instead: missing,
a symbolic link to nothing or a loop of links, a directory, a FIFO, socket or device, too
large, binary, UTF-16, or text in another encoding. A UTF-8 byte-order mark is accepted (Excel
writes one in "CSV UTF-8"). Sizes are in MB of 1,000,000 bytes, in messages and in the limits
of ``docs/reference/limits.md`` alike.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

__all__ = ["FileRefused", "decode", "escaped", "megabytes", "read_bytes", "read_text"]

#: What :func:`escaped` replaces: C0 controls (tab, newline and carriage return too: a message
#: is one line per problem), DEL, C1 controls, bidirectional overrides and isolates, and the
#: zero-width characters and line separators that make text look other than it is, and lone
#: surrogates (which a terminal cannot even print).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff"
                      "\ud800-\udfff]")


class FileRefused(ValueError):
    """A file that cannot be read as text; ``reason`` says what it is instead, in words that
    follow the file's name (``"is a directory, not a CSV file"``)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def escaped(text: object, lines: bool = False) -> str:
    """``str(text)`` with every control, bidirectional-override and zero-width character
    written as an escape (``\\x1b``, ``\\u202e``): what goes into a message or an exception
    about a file, so that no byte of a file reaches a terminal or a log raw. With ``lines``,
    line breaks (``\\n``) are kept, for a message of several lines."""
    if lines:
        return "\n".join(escaped(line) for line in str(text).split("\n"))
    return _CONTROL.sub(lambda m: _escape(m.group()), str(text))


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def megabytes(size: int) -> str:
    """``12.3 MB`` (1 MB = 1,000,000 bytes), ``200 MB`` for a whole number; small sizes in
    bytes."""
    if size < 100_000:
        return f"{size:,} bytes"
    mb = size / 1e6
    return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"


def read_bytes(path: Path, what: str, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    ``what`` names the kind of file in messages (``"a CSV file"``). Raises
    :class:`FileRefused` for anything else, without reading it (a FIFO would block).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise FileRefused(f"is a symbolic link to a missing file "
                              f"({escaped(repr(os.readlink(path)))})") from None
        raise FileRefused("no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused("is a loop of symbolic links, not a file") from None
        raise FileRefused(f"cannot be read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileRefused(f"is a directory, not {what}")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "a device")
        raise FileRefused(f"is {kind}, not {what}")
    if info.st_size > max_bytes:
        raise FileRefused(f"is {megabytes(info.st_size)}; {what} is at most "
                          f"{megabytes(max_bytes)}")
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # a file that grew since stat is still bounded
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise FileRefused(f"is more than {megabytes(max_bytes)}; {what} is at most "
                          f"{megabytes(max_bytes)}")
    return data


def decode(data: bytes, save_as: str = "UTF-8") -> str:
    """The text of UTF-8 bytes (a leading byte-order mark dropped), or :class:`FileRefused`:
    UTF-16 or UTF-32, binary data (NUL bytes), or another encoding, with the line of the first
    byte that is not UTF-8. ``save_as`` says how to save the file instead."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(f"is UTF-16 (or UTF-32) text: save it as {save_as}")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise FileRefused(f"holds NUL bytes (the first on line {line}): binary data, not text; "
                          f"save it as {save_as}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileRefused(f"is not UTF-8 (byte 0x{data[exc.start]:02x} on line {line} is not): "
                          f"text in another encoding; save it as {save_as}") from None


def read_text(path: Path, what: str, max_bytes: int, save_as: str = "UTF-8") -> str:
    """:func:`read_bytes` then :func:`decode`."""
    return decode(read_bytes(path, what, max_bytes), save_as)
