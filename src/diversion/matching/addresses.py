"""Addresses compared as sets of words and numbers, for listed addresses (including the BIS
Entity List's address-only entries) and for addresses many firms share.

An address is folded to ASCII words (Cyrillic and the hub alphabets transliterated as names are,
with their romanisation keys), street-type words and filler
(ул., улица, street, д., office ...) are dropped, and what is left is compared as a set: two
addresses match when their house and postal numbers agree and their words mostly do, in any
order and whatever the street-type words. Numbers decide: "ул. Примерная, 12" is not
"ул. Примерная, 14".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.fuzz import token_set_ratio

from diversion.lists.model import SanctionsList
from diversion.matching.text import romanisation_key, to_ascii
from diversion.reference import load_yaml, package_file


@lru_cache(maxsize=1)
def filler_words() -> frozenset[str]:
    """Street-type and filler words (data/address_words.yml)."""
    data = load_yaml(package_file("diversion.matching", "data/address_words.yml"))
    return frozenset(str(word) for words in data["filler"].values() for word in words)


_TOKEN = re.compile(r"[a-z]+|\d+")
_WORD = re.compile(r"\w+")
MATCH_RATIO = 90.0


@lru_cache(maxsize=50_000)
def address_tokens(address: str) -> tuple[frozenset[str], frozenset[str]]:
    """(words, numbers) of an address, folded."""
    words, numbers = set(), set()
    for raw in _WORD.findall(address):
        for token in _TOKEN.findall(to_ascii(raw)):
            if token.isdigit():
                numbers.add(token.lstrip("0") or "0")
            elif token not in filler_words() and len(token) > 1:
                words.add(romanisation_key(token))
    return frozenset(words), frozenset(numbers)


def address_key(address: str) -> str:
    """One text for an address whatever its layout, for counting firms per address."""
    words, numbers = address_tokens(address)
    return " ".join(sorted(words) + sorted(numbers))


def same_address(a: str, b: str) -> float:
    """How alike two addresses are (0-100), or 0 when their numbers disagree."""
    words_a, numbers_a = address_tokens(a)
    words_b, numbers_b = address_tokens(b)
    if not words_a or not words_b:
        return 0.0
    shorter, longer = sorted((numbers_a, numbers_b), key=len)
    if not shorter or not shorter <= longer:
        return 0.0  # no number, or a number the other lacks: not the same building
    if min(len(words_a), len(words_b)) < 2:
        return 0.0  # a city and a number say too little
    return float(token_set_ratio(" ".join(sorted(words_a)), " ".join(sorted(words_b))))


@dataclass(frozen=True)
class ListedAddress:
    text: str
    entity_id: str
    caption: str
    list_id: str
    list_version: str
    address_only: bool  # an Address entity with its own sanction (BIS address-only entry)


@dataclass
class AddressIndex:
    """Listed addresses, found by their numbers and then compared whole."""

    addresses: list[ListedAddress] = field(default_factory=list)
    _by_number: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, addresses: Iterable[ListedAddress]) -> AddressIndex:
        index = cls(list(addresses))
        by_number: dict[str, list[int]] = defaultdict(list)
        for row, listed in enumerate(index.addresses):
            for number in address_tokens(listed.text)[1]:
                by_number[number].append(row)
        index._by_number = dict(by_number)
        return index

    def match(self, address: str, ratio: float = MATCH_RATIO) -> list[tuple[ListedAddress, float]]:
        """Listed addresses that are this address, best first."""
        _, numbers = address_tokens(address)
        rows = {row for number in numbers for row in self._by_number.get(number, ())}
        found = []
        for row in sorted(rows):
            listed = self.addresses[row]
            score = same_address(address, listed.text)
            if score >= ratio:
                found.append((listed, score))
        found.sort(key=lambda pair: -pair[1])
        return found


def listed_addresses(listing: SanctionsList) -> Iterator[ListedAddress]:
    """Every address of a list's parties, and every address the list sanctions on its own."""
    reference = listing.reference
    for entity in listing.entities.values():
        schema = entity.schema.name
        if schema == "Address":
            if not listing.sanctions.get(str(entity.id)):
                continue  # an address of a party is read through the party
            for text in entity.get("full", quiet=True):
                yield ListedAddress(
                    text, str(entity.id), text, reference.id, reference.version, True
                )
            continue
        if not entity.schema.is_a("LegalEntity"):
            continue
        texts = list(entity.get("address", quiet=True))
        for ref in entity.get("addressEntity", quiet=True):
            linked = listing.entities.get(ref)
            if linked is not None:
                texts.extend(linked.get("full", quiet=True))
        for text in dict.fromkeys(texts):
            yield ListedAddress(
                text, str(entity.id), str(entity.caption), reference.id, reference.version, False
            )
