"""Parsing official XML safely: no entity expansion, no DTD-driven external references.

Lists arrive as files from outside; a hostile file (billion laughs, external entities that read
local files or call the network) must be refused with a clear error, never expanded.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse

from diversion.lists.importers.base import ListFormatError


def parse_xml(path: Path) -> Element:
    """The root element of a well-formed, entity-free XML file, or ListFormatError."""
    try:
        tree = parse(str(path), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ListFormatError(
            path, "", f"refused: the XML declares entities or external references ({exc})"
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise ListFormatError(
            path, f"line {line}, column {column}", f"malformed XML: {exc.msg}"
        ) from None
    except OSError as exc:
        raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    root = tree.getroot()
    if root is None:
        raise ListFormatError(path, "", "the XML has no root element")
    return root


def local(tag: str) -> str:
    """A tag without its namespace: `{http://...}sanctionEntity` -> `sanctionEntity`."""
    return tag.rsplit("}", 1)[-1]


def expect_root(path: Path, root: Element, *names: str) -> None:
    if local(root.tag) not in names:
        raise ListFormatError(
            path,
            "root element",
            f"<{local(root.tag)}> is not {' or '.join(f'<{n}>' for n in names)}: wrong format?",
        )


def text(element: Element | None) -> str | None:
    """Stripped text of an element, or None when absent or blank."""
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None
