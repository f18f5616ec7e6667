"""Reading an input file as text, and telling which encoding it is in.

JSON Lines must be UTF-8 (a byte-order mark is allowed), as JSON is. A CSV file may also be
Windows-1251, which is what Russian-language Excel writes for "CSV (разделители — точка с
запятой)". The encodings are tried in a fixed order and the one used is reported:

1. a UTF-8 byte-order mark: UTF-8 ("UTF-8 with BOM"); the file must then decode as UTF-8;
2. the bytes decode as UTF-8: UTF-8 (plain ASCII is UTF-8 too);
3. CSV only: Windows-1251, if every line that is not UTF-8 decodes as Windows-1251 into
   words of one script. A line that is UTF-8 with non-ASCII text beside one that is not is a
   file of two encodings; a word that mixes Latin and Cyrillic letters once decoded (`Mьller`
   from a Western `Müller`) shows the file is in some other encoding. Either way the file is
   rejected whole, with the lines at fault: decoding it otherwise would be a guess, and a
   mis-decoded name would screen wrongly. (A word is a run of letters, with dots inside
   abbreviations, so Turkish `A.Ş.` read as `A.Ю.` counts as mixed; `USB-кабель` is two.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from diversion.declarations.errors import FILE, InputError

BOM = b"\xef\xbb\xbf"
UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 with BOM"
WINDOWS_1251 = "Windows-1251"
_WORD = re.compile(r"[^\W\d_]+(?:\.[^\W\d_]+)*")  # letters, and abbreviations: A.Ş
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@dataclass(frozen=True)
class Text:
    """A file's text and the encoding it was read in (one of UTF8, UTF8_BOM, WINDOWS_1251)."""

    text: str
    encoding: str


def _not_utf8(name: str, lines: list[tuple[int, bytes]], why: str) -> list[InputError]:
    errors = []
    for number, line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append(
                InputError(
                    name,
                    number,
                    FILE,
                    f"not valid UTF-8 (byte 0x{line[exc.start]:02X} at column {exc.start + 1})"
                    f"{why}; the file was rejected whole: save it as UTF-8 and screen it again",
                )
            )
    return errors


def _windows_1251(name: str, data: bytes) -> tuple[str | None, list[InputError]]:
    """The text as Windows-1251, or the lines that show it is not (see the module doc)."""
    lines = list(enumerate(data.split(b"\n"), start=1))
    utf8_lines, other_lines = [], []
    for number, line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines.append(number)
        except UnicodeDecodeError:
            other_lines.append((number, line))
    if utf8_lines:
        why = f", though line {utf8_lines[0]} is UTF-8: the file mixes two encodings"
        return None, _not_utf8(name, other_lines, why)
    errors = []
    for number, line in other_lines:
        try:
            decoded = line.decode("cp1251")
        except UnicodeDecodeError as exc:
            errors.append(
                InputError(
                    name,
                    number,
                    FILE,
                    f"neither UTF-8 nor Windows-1251 (byte 0x{line[exc.start]:02X} at column "
                    f"{exc.start + 1}); the file was rejected whole: save it as UTF-8",
                )
            )
            continue
        mixed = next(
            (
                word
                for word in _WORD.findall(decoded)
                if _LATIN.search(word) and _CYRILLIC.search(word)
            ),
            None,
        )
        if mixed is not None:
            errors.append(
                InputError(
                    name,
                    number,
                    FILE,
                    f"not valid UTF-8, and read as Windows-1251 the word {mixed!r} mixes Latin "
                    "and Cyrillic letters, so the file is in some other encoding; it was "
                    "rejected whole: save it as UTF-8",
                )
            )
    return (None, errors) if errors else (data.decode("cp1251"), [])


def read_text(path: Path, windows_1251: bool = False) -> tuple[Text | None, list[InputError]]:
    """The file's text, or why it cannot be read; `windows_1251` allows that encoding (CSV)."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [InputError(name, 0, FILE, f"cannot read file: {exc.strerror or exc}")]
    encoding = UTF8
    if data.startswith(BOM):
        data, encoding = data[len(BOM) :], UTF8_BOM
    if not data.strip():
        return None, [InputError(name, 1, FILE, "file is empty")]
    try:
        return Text(data.decode("utf-8"), encoding), []
    except UnicodeDecodeError:
        pass
    if windows_1251 and encoding == UTF8:
        text, errors = _windows_1251(name, data)
        return (None, errors) if text is None else (Text(text, WINDOWS_1251), [])
    lines = list(enumerate(data.split(b"\n"), start=1))
    why = " after a UTF-8 byte-order mark" if encoding == UTF8_BOM else ""
    return None, _not_utf8(name, lines, why)
