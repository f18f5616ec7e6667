"""Country groups (the sanctions coalition, sanctioned destinations, transit hubs) as data.

A group lists ISO alpha-2 codes; a member written `@other` includes another group. The table
itself lives in `data/country_groups.yml` with its sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from diversion.countries.normalise import normalise_country
from diversion.reference import ReferenceData, describe, load_yaml, package_file


@dataclass(frozen=True)
class CountryGroup:
    id: str
    title: str
    source: str
    members: frozenset[str]

    def __contains__(self, code: object) -> bool:
        return code in self.members


@dataclass(frozen=True)
class CountryGroups:
    groups: Mapping[str, CountryGroup]
    reference: ReferenceData

    def __getitem__(self, group_id: str) -> CountryGroup:
        try:
            return self.groups[group_id]
        except KeyError:
            known = ", ".join(sorted(self.groups))
            raise KeyError(f"no country group {group_id!r}; known: {known}") from None


def _expand(group_id: str, raw: Mapping[str, dict[str, object]], seen: tuple[str, ...]) -> set[str]:
    if group_id in seen:
        raise ValueError(f"country group {group_id!r} includes itself via {' > '.join(seen)}")
    if group_id not in raw:
        raise ValueError(f"country group {seen[-1]!r} includes unknown group {group_id!r}")
    members: set[str] = set()
    for member in raw[group_id].get("members") or []:  # type: ignore[attr-defined]
        if not isinstance(member, str):
            raise ValueError(
                f"country group {group_id!r}: member {member!r} is not text (quote codes "
                'such as "NO" that YAML reads as booleans)'
            )
        if member.startswith("@"):
            members |= _expand(member[1:], raw, (*seen, group_id))
        else:
            code = normalise_country(member)
            if code != member:
                raise ValueError(f"country group {group_id!r}: write {member!r} as {code!r}")
            members.add(code)
    return members


def load_country_groups(path: Path | None = None) -> CountryGroups:
    path = path or package_file("diversion.countries", "data/country_groups.yml")
    raw = load_yaml(path)["groups"]
    groups = {
        group_id: CountryGroup(
            id=group_id,
            title=str(spec["title"]),
            source=str(spec["source"]),
            members=frozenset(_expand(group_id, raw, ())),
        )
        for group_id, spec in raw.items()
    }
    return CountryGroups(groups=groups, reference=describe(path))
