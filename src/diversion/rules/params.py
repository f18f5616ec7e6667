"""Rule parameters as the catalogue declares them: a type, a default and what it means.

The catalogue is the schema, as followthemoney's model is: every parameter of every rule names
one type of a small closed set (`TYPES`), and this module is the little code that interprets
them, for the catalogue's own defaults and for a user's rules file alike. The checks read only
the values (`Rule.params`); what a value must be is said once, here and in the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DECLARATION_KEYS = ("type", "default", "description", "choices", "nullable", "fields")
FIELD_KEYS = ("type", "description", "choices", "nullable")


@dataclass(frozen=True)
class Vocabulary:
    """The ids a parameter value may name. Control-list ids are not here: a user's lists load
    with the screening context, which names a rule's unknown list at start."""

    procedures: frozenset[str]
    party_roles: frozenset[str]
    severities: frozenset[str]
    country_groups: frozenset[str]
    reason_codes: frozenset[str]


@dataclass(frozen=True)
class Param:
    """One declared parameter (or one field of a structured item, with no default)."""

    name: str
    type: str
    description: str
    default: Any = None
    choices: tuple[str, ...] = ()
    nullable: bool = False
    fields: Mapping[str, Param] = field(default_factory=dict)

    @property
    def expected(self) -> str:
        """What a value must be, as a message says it."""
        phrase = TYPES[self.type][0]
        if self.type == "items":
            phrase += f" ({', '.join(self.fields)})"
        if self.nullable and self.type != "date":
            phrase += " or null"
        return phrase

    def faults(self, value: Any, vocabulary: Vocabulary) -> list[str]:
        """Why a value does not fit, each a reason to follow the parameter's name (`must be a
        number, not 'x'`); empty when it fits."""
        if value is None:
            return [] if self.nullable or self.type == "date" else [self.mismatch(value)]
        return TYPES[self.type][1](self, value, vocabulary)

    def describe(self) -> dict[str, Any]:
        """The declaration as plain data (for `rules ls --json`)."""
        out: dict[str, Any] = {"type": self.type, "expected": self.expected}
        if self.nullable:
            out["nullable"] = True
        if self.choices:
            out["choices"] = list(self.choices)
        if self.fields:
            out["fields"] = {name: spec.describe() for name, spec in self.fields.items()}
        out["description"] = self.description
        return out

    def named(self, value: Any, kinds: tuple[str, ...]) -> list[str]:
        """The ids a value names through parameters (or item fields) of the given types."""
        if self.type in kinds and isinstance(value, list):
            return [str(v) for v in value]
        if self.type == "items" and isinstance(value, list):
            return [
                name
                for item in value
                if isinstance(item, Mapping)
                for key, spec in self.fields.items()
                for name in spec.named(item.get(key), kinds)
            ]
        return []

    def mismatch(self, value: Any) -> str:
        return f"must be {self.expected}, not {value!r}"


Check = Callable[[Param, Any, Vocabulary], list[str]]


def joined(subject: str, reason: str) -> str:
    """A fault about a part of a value: `valid_from must be a date`, `lists: no such ...`."""
    return f"{subject} {reason}" if reason.startswith("must ") else f"{subject}: {reason}"


def _unknown(kind: str, values: list[str], known: frozenset[str] | tuple[str, ...]) -> list[str]:
    return [
        f"no such {kind} {value!r} (known: {', '.join(sorted(known))})"
        for value in values
        if value not in known
    ]


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _bool(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    return [] if isinstance(value, bool) else [param.mismatch(value)]


def _int(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    return [] if isinstance(value, int) and not isinstance(value, bool) else [param.mismatch(value)]


def _number(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    fits = isinstance(value, int | float) and not isinstance(value, bool)
    return [] if fits else [param.mismatch(value)]


def _text(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    if not isinstance(value, str):
        return [param.mismatch(value)]
    if param.choices and value not in param.choices:
        return [f"must be one of {', '.join(param.choices)}, not {value!r}"]
    return []


def _date(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    return [] if isinstance(value, date) else [param.mismatch(value)]


def _country_group(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    if not isinstance(value, str):
        return [param.mismatch(value)]
    return _unknown("country group", [value], vocabulary.country_groups)


def _countries(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    if not _texts(value):
        return [param.mismatch(value)]
    from diversion.countries import CountryError, normalise_country

    faults = []
    for text in value:
        try:
            code = normalise_country(text)
        except CountryError as exc:
            faults.append(str(exc))
            continue
        if code != text:
            faults.append(f"write {text!r} as {code!r}")
    return faults


def _control_lists(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    return [] if value == "all" or _texts(value) else [param.mismatch(value)]


def _control_list_ids(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    return [] if _texts(value) else [param.mismatch(value)]


def _text_list(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    if not _texts(value):
        return [param.mismatch(value)]
    return _unknown("value", value, param.choices) if param.choices else []


def _member_list(kind: str, known: Callable[[Vocabulary], frozenset[str]]) -> Check:
    def check(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
        if not _texts(value):
            return [param.mismatch(value)]
        return _unknown(kind, value, known(vocabulary))

    return check


def _procedure_severities(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return [param.mismatch(value)]
    return _unknown("procedure", list(value), vocabulary.procedures) + _unknown(
        "severity", list(value.values()), vocabulary.severities
    )


def _items(param: Param, value: Any, vocabulary: Vocabulary) -> list[str]:
    if not isinstance(value, list):
        return [param.mismatch(value)]
    faults: list[str] = []
    keys = ", ".join(param.fields)
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            faults.append(f"item {n} must be a mapping of {keys}")
            continue
        for key, given in item.items():
            spec = param.fields.get(str(key))
            if spec is None:
                faults.append(f"item {n}: unknown key {key!r} ({keys})")
                continue
            faults += [joined(f"item {n}: {key}", r) for r in spec.faults(given, vocabulary)]
    return faults


# Each type: what a value must be (for messages) and the check. Adding a type is a row here.
TYPES: dict[str, tuple[str, Check]] = {
    "bool": ("true or false", _bool),
    "int": ("a whole number", _int),
    "number": ("a number", _number),
    "text": ("text", _text),
    "date": ("a date (YYYY-MM-DD) or null", _date),
    "country_group": ("a country-group id", _country_group),
    "countries": ("a list of country codes", _countries),
    "control_lists": ("`all` or a list of control-list ids", _control_lists),
    "control_list_ids": ("a list of control-list ids", _control_list_ids),
    "text_list": ("a list of text", _text_list),
    "procedures": (
        "a list of procedures",
        _member_list("procedure", lambda v: v.procedures),
    ),
    "party_roles": (
        "a list of party roles",
        _member_list("party role", lambda v: v.party_roles),
    ),
    "reason_codes": (
        "a list of reason codes",
        _member_list("reason code", lambda v: v.reason_codes),
    ),
    "procedure_severities": ("a mapping of procedure to severity", _procedure_severities),
    "items": ("a list of mappings", _items),
}


def declare(name: str, spec: Any, where: str, *, item_field: bool = False) -> Param:
    """A parameter as the catalogue declares it; ValueError says what is wrong with the
    declaration (its default is checked once every rule id is known: `Param.faults`)."""
    allowed = FIELD_KEYS if item_field else DECLARATION_KEYS
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where}: must be a mapping of {', '.join(allowed[:3])}")
    unknown = [str(key) for key in spec if key not in allowed]
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r} ({', '.join(allowed)})")
    kind = spec.get("type")
    if kind not in TYPES:
        raise ValueError(f"{where}: type must be one of {', '.join(TYPES)}, not {kind!r}")
    if not item_field and "default" not in spec:
        raise ValueError(f"{where}: no default (write `default: null` for none)")
    description = " ".join(str(spec.get("description") or "").split())
    if not description:
        raise ValueError(f"{where}: no description")
    choices = spec.get("choices") or ()
    if choices and kind not in ("text", "text_list"):
        raise ValueError(f"{where}: only text and text_list parameters have choices")
    if not _texts(list(choices)):
        raise ValueError(f"{where}: choices must be a list of text")
    raw_fields = spec.get("fields") or {}
    if (kind == "items") != bool(raw_fields) or not isinstance(raw_fields, Mapping):
        raise ValueError(f"{where}: an items parameter, and only one, declares its fields")
    return Param(
        name=name,
        type=str(kind),
        description=description,
        default=spec.get("default"),
        choices=tuple(choices),
        nullable=bool(spec.get("nullable", False)),
        fields={
            str(key): declare(str(key), value, f"{where}.{key}", item_field=True)
            for key, value in raw_fields.items()
        },
    )
