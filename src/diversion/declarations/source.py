"""Reading an input file as text, refusing empty files and wrong encodings outright.

Declarations must be UTF-8 (a byte-order mark is allowed). A file in another encoding is
rejected whole, with every undecodable line listed: decoding it some other way would be a
guess, and a mis-decoded name would screen wrongly.
"""

from __future__ import annotations

from pathlib import Path

from diversion.declarations.errors import FILE, InputError

BOM = b"\xef\xbb\xbf"


def read_text(path: Path) -> tuple[str | None, list[InputError]]:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [InputError(name, 0, FILE, f"cannot read file: {exc.strerror or exc}")]
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data.strip():
        return None, [InputError(name, 1, FILE, "file is empty")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    errors = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append(
                InputError(
                    name,
                    number,
                    FILE,
                    f"not valid UTF-8 (byte 0x{line[exc.start]:02X} at column {exc.start + 1}); "
                    "the file was rejected whole: save it as UTF-8 and screen it again",
                )
            )
    return None, errors
