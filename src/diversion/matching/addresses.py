"""Addresses compared as sets of words and numbers, for listed addresses (including the BIS
Entity List's address-only entries) and for addresses many firms share.

An address is folded to ASCII words (Cyrillic and the hub alphabets transliterated as names are,
with their romanisation keys); street-type words in any of the hub languages (ул., проспект,
даңғылы, ko'chasi, street, office, кеңсе ...) are read as canonical types and left out, street
names lose their Russian case ending (Абая -> Abay), and the hub cities are read under one name;
what is left is compared as a set: two addresses match when their house, office and postal
numbers agree (16А is 16A), their cities do not differ, and their words mostly agree, in any order.
Numbers decide: "ул. Примерная, 12" is not "ул. Примерная, 14". The tables are data
(data/address_words.yml).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.fuzz import ratio, token_set_ratio

from diversion.lists.model import SanctionsList
from diversion.matching.text import romanisation_key, to_ascii
from diversion.matching.text import words as text_words
from diversion.reference import load_yaml, package_file


@dataclass(frozen=True)
class AddressWords:
    """data/address_words.yml read once: folded word -> its canonical type or city."""

    types: dict[str, str]
    street_types: frozenset[str]
    filler: frozenset[str]
    endings: tuple[tuple[str, str, str], ...]  # (ending, after "vowel"/"consonant", becomes)
    min_stem: int
    cities: dict[str, str]


@lru_cache(maxsize=1)
def address_words() -> AddressWords:
    data = load_yaml(package_file("diversion.matching", "data/address_words.yml"))
    types = {str(word): kind for kind, words in data["types"].items() for word in words}
    endings = data["case_endings"]
    return AddressWords(
        types=types,
        street_types=frozenset(data["street_types"]),
        filler=frozenset(str(word) for word in data["filler"]),
        endings=tuple((r["ending"], r["after"], r["becomes"]) for r in endings["rules"]),
        min_stem=int(endings["min_stem"]),
        cities={str(v): city for city, spellings in data["cities"].items() for v in spellings},
    )


def filler_words() -> frozenset[str]:
    """Street-type and filler words (data/address_words.yml), left out of the compared words."""
    table = address_words()
    return frozenset(table.types) | table.filler


def without_case_ending(key: str) -> str:
    """A romanised word without the Russian case ending data/address_words.yml lists
    (abaya -> abai, lenina -> lenin): a light rule applied to both sides alike."""
    table = address_words()
    for ending, after, becomes in table.endings:
        stem = key[: -len(ending)]
        if not key.endswith(ending) or len(stem) < table.min_stem:
            continue
        if (stem[-1] in "aeiouy") == (after == "vowel"):
            return stem + becomes
    return key


@dataclass(frozen=True)
class AddressParts:
    """An address read: the words it is compared by, its house, office and postal numbers
    (16А and 16a are "16a"), its city, and whether it names a street by a street type."""

    words: frozenset[str]
    numbers: tuple[str, ...]  # sorted, each as often as written: кв. 3 in д. 3 is two 3s
    cities: frozenset[str]
    names_street: bool
    # the words of the part that a street type names ("ул. Наметкина", "Nametkina Street")
    street: frozenset[str] = frozenset()

    @property
    def city(self) -> str | None:
        return min(self.cities) if self.cities else None


_TOKEN = re.compile(r"[a-z]+|\d+")
_HOUSE = re.compile(r"(\d+)([a-z]?)")
_HOUSE_LETTER = re.compile(r"(\d+)\s+([^\W\d_])(?=\s|$)")
MATCH_RATIO = 90.0
STREET_RATIO = 80.0  # two street names' words this alike (0-100) are one name


@lru_cache(maxsize=50_000)
def address_parts(address: str) -> AddressParts:
    table = address_words()
    words: set[str] = set()
    numbers: list[str] = []
    kinds: set[str] = set()
    cities: set[str] = set()
    street: set[str] = set()
    for segment in address.split(","):
        named: set[str] = set()  # the name words of this segment
        names_street = False
        # a house's letter written apart is the house's: "д. 31 Г" is 31Г, not "B." (Bolshoy)
        for raw in text_words(_HOUSE_LETTER.sub(r"\1\2", segment)):
            folded = to_ascii(raw)
            house = _HOUSE.fullmatch(folded)
            if house:  # a number with its letter: 16А (Cyrillic) is 16A
                numbers.append((house[1].lstrip("0") or "0") + house[2])
                continue
            for token in _TOKEN.findall(folded):
                if token.isdigit():
                    numbers.append(token.lstrip("0") or "0")
                elif token in table.types:
                    kinds.add(table.types[token])
                    names_street = names_street or table.types[token] in table.street_types
                elif token in table.cities:
                    cities.add(table.cities[token])
                    words.add(table.cities[token])
                elif token not in table.filler and len(token) > 1:
                    word = without_case_ending(romanisation_key(token))
                    words.add(word)
                    named.add(word)
        if names_street:
            street |= named
    return AddressParts(
        frozenset(words),
        tuple(sorted(numbers)),
        frozenset(cities),
        bool(kinds & table.street_types),
        frozenset(street),
    )


def address_tokens(address: str) -> tuple[frozenset[str], frozenset[str]]:
    """(words, numbers) of an address, folded."""
    parts = address_parts(address)
    return parts.words, frozenset(parts.numbers)


def address_key(address: str) -> str:
    """One text for an address whatever its layout, for counting firms per address."""
    words, numbers = address_tokens(address)
    return " ".join(sorted(words) + sorted(numbers))


def _says_enough(parts: AddressParts) -> bool:
    """Two words, or a street named as one: a city and a number say too little."""
    if len(parts.words) >= 2:
        return True
    return parts.names_street and bool(parts.words - parts.cities)


def _within(fewer: tuple[str, ...], more: tuple[str, ...]) -> bool:
    """Every number of one address in the other, as often as it is written there."""
    left = Counter(more)
    left.subtract(Counter(fewer))
    return all(count >= 0 for count in left.values())


def _same_street(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two streets' names share a word, spelled alike or nearly (Udaltsova, Удалцова)."""
    return any(x == y or ratio(x, y) >= STREET_RATIO for x in a for y in b)


def same_address(a: str, b: str) -> float:
    """How alike two addresses are (0-100), or 0 when their numbers, cities or streets
    disagree."""
    parts_a, parts_b = address_parts(a), address_parts(b)
    if not parts_a.words or not parts_b.words:
        return 0.0
    if parts_a.cities and parts_b.cities and not parts_a.cities & parts_b.cities:
        return 0.0  # another city
    shorter, longer = sorted((parts_a.numbers, parts_b.numbers), key=len)
    if not shorter or not _within(shorter, longer):
        return 0.0  # no number, or a number the other lacks: not the same building
    if parts_a.street and parts_b.street and not _same_street(parts_a.street, parts_b.street):
        return 0.0  # another street
    if not _says_enough(parts_a) or not _says_enough(parts_b):
        return 0.0
    words_a, words_b = sorted(parts_a.words), sorted(parts_b.words)
    return float(token_set_ratio(" ".join(words_a), " ".join(words_b)))


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
