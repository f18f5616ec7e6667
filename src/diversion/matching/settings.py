"""The matching engine's tuning settings: typed, described, with the defaults it was tuned at.

Each setting is a field of `Settings` with its type, default and description (the field's
`metadata`); `diversion match settings` lists them and `match query --config KEY=VALUE` and
`/match`'s `config` override them for one request. The features (`features.py`) and the bound
that spares them work (`bounds.py`) read the same object, so that a bound never sets aside a
candidate the features would score above the threshold under the settings asked for.

Constants that are not here are structural: they shape the index built once per list (a
word's weight by kind, the length from which a word has a consonant skeleton), or the bound
relies on them (the edit budgets, credit growing linearly with similarity).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any


def _setting(default: float, description: str) -> Any:
    return field(default=default, metadata={"description": description})


class SettingsError(ValueError):
    """A setting that does not exist, or a value that is not of its type."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How alike words must be to count, what each kind of likeness counts, and the caps
    that keep near misses below the threshold."""

    min_part_similarity: float = _setting(
        0.6, "Two words less alike than this are not paired at all."
    )
    key_similarity: float = _setting(
        0.9, "Words spelled differently but with the same romanisation key (Iurii/Yuriy)."
    )
    nickname_similarity: float = _setting(
        0.85, "A short or familiar form of the same given name (Bill/William)."
    )
    short_typo_similarity: float = _setting(
        0.75, "One typo in a word of three or four letters: never the anchor of a name."
    )
    short_typo_length: int = _setting(3, "Words shorter than this have no typos (Li is not Lu).")
    vowel_shift_similarity: float = _setting(
        0.8, "Long words with the same consonants and other vowels (Buranov/Boʻronov)."
    )
    initial_similarity: float = _setting(0.9, "An initial and a word with its letter.")
    similarity_floor: float = _setting(
        0.3,
        "A pair of people's words counts (similarity - floor) / (1 - floor): "
        "one typo in a long word costs little, two in a short word most of the pair.",
    )
    firm_floor: float = _setting(
        0.2,
        "The same floor for firms: a typo in a coined firm name is more often a misspelling.",
    )
    longer_side_extra: float = _setting(
        0.5, "What a word only the longer person's name has counts (a middle name left out)."
    )
    firm_extra: float = _setting(
        0.25, "The same for firms: an extra word more often names another firm."
    )
    conflict_weight: float = _setting(
        2.5, "What a word unmatched on both sides counts, each side (al-Mosuli/al-Tikriti)."
    )
    distinctive_similarity: float = _setting(
        0.8, "A name needs one word of its own (not generic) this alike, or it is capped."
    )
    no_distinctive_cap: float = _setting(
        0.5, "The most a name scores with only generic words or no words in common."
    )
    common_words_cap: float = _setting(
        0.85,
        "The most a firm's name scores when it shares only common words (Alpha, Star) and "
        "generic ones and either side has a word the other lacks: below blocking, for review.",
    )
    person_anchor_similarity: float = _setting(
        0.85, "A person's name needs one word this alike (spelled alike, a key, a short form)."
    )
    person_near_miss_cap: float = _setting(
        0.7,
        "The most a person's name scores with no word spelled alike, or middle initials "
        "that differ.",
    )
    abjad_length: int = _setting(
        3,
        "Consonants a word in Arabic script shares with a Latin one to count as a key "
        "(fewer count as a vowel shift).",
    )
    joined_similarity: float = _setting(
        0.9, "Names written together must be this alike (Hua Cheng Da/Huachengda)."
    )
    number_on_one_side: float = _setting(
        0.5, "What `numbers` finds when a number is in one name only (1 is the same numbers)."
    )
    address_similarity: float = _setting(
        0.6, "An address less alike than this to every listed address says nothing."
    )
    candidates: int = _setting(30, "Names the index hands to the scorer per query.")

    def with_overrides(self, overrides: Mapping[str, object]) -> Settings:
        """These settings with some changed; values may be text (`KEY=VALUE` on the CLI)."""
        if not overrides:
            return self
        known = {f.name: f for f in fields(self)}
        changed: dict[str, Any] = {}
        for key, raw in overrides.items():
            spec = known.get(key)
            if spec is None:
                raise SettingsError(
                    f"no matching setting {key!r}; settings: {', '.join(sorted(known))}"
                )
            changed[key] = _convert(key, spec.type, raw)
        return replace(self, **changed)

    def changed(self) -> dict[str, float | int]:
        """The settings that differ from the defaults."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != f.default
        }


@dataclass(frozen=True)
class SettingDoc:
    name: str
    type: str
    default: float | int
    description: str


def described() -> list[SettingDoc]:
    """Every setting with its type, default and description, in declaration order."""
    docs = []
    for spec in fields(Settings):
        assert spec.default is not MISSING
        docs.append(
            SettingDoc(
                spec.name,
                _type_name(spec.type),
                spec.default,
                spec.metadata["description"],
            )
        )
    return docs


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """`KEY=VALUE` strings (the CLI's `--config`) as a mapping."""
    out: dict[str, str] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"{assignment!r} is not KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def _type_name(annotation: object) -> str:
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")


def _convert(key: str, annotation: object, raw: object) -> float | int:
    kind = _type_name(annotation)
    if isinstance(raw, bool) or raw is None:
        raise SettingsError(f"setting {key!r} takes a number ({kind}), not {raw!r}")
    if not isinstance(raw, (str, int, float)):
        raise SettingsError(f"setting {key!r} takes a number ({kind}), not {raw!r}")
    try:
        if kind == "int":
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError(raw)
            value: float | int = int(raw)
        else:
            value = float(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {key!r} takes a number ({kind}), not {raw!r}") from None
    if not math.isfinite(value) or value < 0:
        raise SettingsError(f"setting {key!r} must be a finite number of 0 or more, not {raw!r}")
    return value


DEFAULTS = Settings()
