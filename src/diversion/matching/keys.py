"""The keys a party is looked up by exactly: its registration number and its legal name.

One rule each, for every part that compares parties without fuzzy matching: the licences (is
the exporter the holder?), the company registry, a party's history and its imports, the
suppressions, and the list identifiers the matcher compares.

- An identifier is compared by its letters and digits only, in upper case: spaces, dots,
  dashes, slashes and any other layout never decide ("KZ 1234-56", "kz1234/56", "KZ#123456"
  are one key). Registration numbers are written with every kind of separator; none of them is
  part of the number.
- A legal name is compared by its name words as the matcher reads them: legal forms (ТОО, LLP,
  GmbH, from `data/legal_forms.yml`) left out wherever they stand, quotes and punctuation
  dropped, other scripts romanised with the hub languages' letters (`data/
  transliteration.yml`) and spelling variants folded. So "ESIL MIKROKOMPONENT TOO" and
  "ТОО «Есиль Микрокомпонент»" are one key. Not fuzzy: a near miss is a different key. A name
  that is nothing but a legal form keeps it as its word ("ТОО" is not "LLP"); a name with no
  words at all has the empty key, which matches nothing.
"""

from __future__ import annotations

from functools import lru_cache

from diversion.matching.analysis import analyse


def identifier_key(value: str) -> str:
    """A registration number by its letters and digits, upper case."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


@lru_cache(maxsize=100_000)
def legal_name_key(name: str) -> str:
    """A legal name without its legal form, quotes, case and script, for exact lookups."""
    return " ".join(part.key for part in analyse(name, "Company").parts)


def same_legal_name(one: str, other: str) -> bool:
    """Two names are one party's legal name; a name without words is nobody's."""
    key = legal_name_key(one)
    return bool(key) and key == legal_name_key(other)
