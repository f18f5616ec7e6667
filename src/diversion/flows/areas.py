"""Reporters and partners as codes: ISO alpha-2 for countries, area codes (areas.yml) for groups.

Statistics name the same country many ways ("Ireland (Eire)", "Russian Federation (Russia)",
"Korea, DPR of", 842, "EL"). rigour knows most names; the few that only trade statistics use, and
every group or residual partner, are data in areas.yml and country_codes.csv.
"""

from __future__ import annotations

import csv
import gettext
import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from rigour.territories import lookup_territory

from diversion.folding import fold_text
from diversion.reference import load_yaml, package_file


class AreaError(ValueError):
    """A reporter or partner that is neither a known country nor a known area."""


@dataclass(frozen=True)
class Area:
    code: str
    title: str
    aggregate: bool
    members_group: str | None = None


@dataclass(frozen=True)
class Resolved:
    code: str
    aggregate: bool


TRANSLATIONS = ("fr", "de", "es", "it", "ru")  # pycountry's translated names that labels use


def _fold(text: str) -> str:
    """Case, accents and punctuation folded: "Bolivie, État" and "Bolivie, Etat" are one."""
    return fold_text(text)


def _translated_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in TRANSLATIONS:
        try:
            translation = gettext.translation(
                "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
            )
        except OSError:  # pragma: no cover - a pycountry build without its locales
            continue
        for country in pycountry.countries:
            for name in {country.name, getattr(country, "official_name", country.name)}:
                names.setdefault(_fold(translation.gettext(name)), country.alpha_2)
    return names


@dataclass(frozen=True)
class AreaTable:
    areas: dict[str, Area]
    exact: dict[str, str]  # folded label -> area code
    prefixes: tuple[tuple[str, str], ...]  # folded label prefix -> area code
    numeric: dict[str, str]  # M49 code -> ISO alpha-2 or area code
    eurostat: dict[str, str]  # Eurostat geo code -> ISO alpha-2 or area code
    translated: dict[str, str]  # folded French, German, ... country name -> ISO alpha-2

    def area(self, code: str) -> Area | None:
        return self.areas.get(code)

    def is_aggregate(self, code: str) -> bool:
        area = self.areas.get(code)
        return area is not None and area.aggregate

    def _resolved(self, code: str) -> Resolved:
        return Resolved(code, self.is_aggregate(code))

    def from_m49(self, value: str) -> Resolved:
        digits = value.strip().lstrip("0") or "0"
        if not digits.isdigit():
            raise AreaError(f"{value!r} is not an M49 area code")
        if digits in self.numeric:
            return self._resolved(self.numeric[digits])
        country = pycountry.countries.get(numeric=digits.zfill(3))
        if country is None:
            raise AreaError(f"unknown M49 area code {value!r}")
        return Resolved(country.alpha_2, False)

    def from_iso2(self, value: str) -> Resolved:
        code = value.strip().upper()
        if code in self.eurostat:
            return self._resolved(self.eurostat[code])
        if code in self.areas:
            return self._resolved(code)
        if pycountry.countries.get(alpha_2=code) is None:
            raise AreaError(f"unknown country code {value!r}")
        return Resolved(code, False)

    def from_iso3(self, value: str) -> Resolved:
        code = value.strip().upper()
        if code in ("WLD", "W00"):
            return self._resolved("WORLD")
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            raise AreaError(f"unknown ISO alpha-3 code {value!r}")
        return Resolved(country.alpha_2, False)

    def from_label(self, value: str) -> Resolved:
        """A country or area written as a name, or as a code where a name was expected."""
        text = value.strip()
        if not text:
            raise AreaError("no country or area given")
        folded = _fold(text)
        if folded in self.exact:
            return self._resolved(self.exact[folded])
        for prefix, code in self.prefixes:
            if folded.startswith(prefix):
                return self._resolved(code)
        if re.fullmatch(r"[A-Za-z]{2}", text):
            return self.from_iso2(text)
        for candidate in _label_candidates(text):
            territory = lookup_territory(candidate)
            if territory is not None and len(territory.code) == 2:
                return Resolved(str(territory.code).upper(), False)
        for candidate in _label_candidates(text):
            if (translated := self.translated.get(_fold(candidate))) is not None:
                return Resolved(translated, False)
        raise AreaError(f"unknown country or area {value!r}")


def _label_candidates(text: str) -> list[str]:
    """The label; then a parenthesis that renames ("Russian Federation (Russia)"), before the
    label without it ("Ireland (Eire)"), since "Korea (DPRK)" is not the Korea of "Korea" alone;
    a parenthesis that lists what a reporter includes ("incl. Canary Islands") is not a name."""
    outer = re.sub(r"\s*\(.*\)\s*", " ", text).strip()
    inner = [
        part
        for part in re.findall(r"\(([^()]*)\)", text)
        if not re.match(r"(?i)(incl|or)\b", part.strip())
    ]
    return [c for c in (text, *inner, outer) if c]


@lru_cache(maxsize=1)
def area_table() -> AreaTable:
    data = load_yaml(package_file("diversion.flows", "data/areas.yml"))
    areas: dict[str, Area] = {}
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    numeric: dict[str, str] = {}
    eurostat: dict[str, str] = {}
    for item in data["areas"]:
        code = item["code"]
        areas[code] = Area(
            code, item["title"], bool(item.get("aggregate", True)), item.get("members_group")
        )
        for label in item.get("labels", []):
            if label.endswith("..."):
                prefixes.append((_fold(label[:-3]), code))
            else:
                exact[_fold(label)] = code
        for number in item.get("m49", []):
            numeric[str(number)] = code
        for geo in item.get("eurostat_codes", []):
            eurostat[geo] = code
    with package_file("diversion.flows", "data/country_codes.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["scheme"] == "label":
                exact[_fold(row["code"])] = row["iso2"]
            else:
                target = numeric if row["scheme"] == "m49" else eurostat
                target[row["code"]] = row["iso2"]
    # longest prefixes first, so "European Union - 27" wins over a shorter one
    prefixes.sort(key=lambda item: -len(item[0]))
    return AreaTable(areas, exact, tuple(prefixes), numeric, eurostat, _translated_names())
