from pathlib import Path

import pytest

from diversion.countries import CountryError, load_country_groups, normalise_country


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("KZ", "KZ"),
        ("kz", "KZ"),
        ("KAZ", "KZ"),
        ("Kazakhstan", "KZ"),
        ("Казахстан", "KZ"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Russian Federation", "RU"),
        ("RUS", "RU"),
        ("United Arab Emirates", "AE"),
        ("Hong Kong", "HK"),
        (" UK ", "GB"),
        ("Kyrgyz Republic", "KG"),
    ],
)
def test_codes_and_names_become_alpha2(text: str, code: str) -> None:
    assert normalise_country(text) == code


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Narnia", "unknown country"),
        ("", "empty"),
        ("SU", "no longer exists"),
        ("EU", "no ISO 3166 country code"),
        ("Crimea", "no ISO 3166 country code"),
    ],
)
def test_non_countries_are_refused(text: str, reason: str) -> None:
    with pytest.raises(CountryError, match=reason):
        normalise_country(text)


def test_bundled_groups() -> None:
    groups = load_country_groups()
    coalition = groups["bans_exports_to_russia"]
    assert len(groups["eu27"].members) == 27
    assert {"DE", "FR", "US", "GB", "JP", "KR", "TW"} <= coalition.members
    assert "KZ" not in coalition and "CN" not in coalition
    assert groups["sanctioned_destinations"].members == {"RU", "BY"}
    assert groups["transit_hubs"].members == {"KZ", "KG", "AM", "UZ", "GE", "AE", "TR", "CN", "HK"}
    assert groups.reference.id == "country-groups"
    with pytest.raises(KeyError, match="no country group"):
        groups["nope"]


def _groups_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "groups.yml"
    path.write_text(body, encoding="utf-8")
    (tmp_path / "groups.yml.meta.yml").write_text(
        "id: g\nversion: '1'\ntitle: t\nsource: s\nlicence: l\n", encoding="utf-8"
    )
    return path


def test_group_that_includes_itself_is_refused(tmp_path: Path) -> None:
    path = _groups_file(
        tmp_path,
        "groups:\n  a: {title: A, source: s, members: ['@b']}\n"
        "  b: {title: B, source: s, members: ['@a']}\n",
    )
    with pytest.raises(ValueError, match="includes itself"):
        load_country_groups(path)


def test_group_members_must_be_written_as_codes(tmp_path: Path) -> None:
    path = _groups_file(tmp_path, "groups:\n  a: {title: A, source: s, members: [Germany]}\n")
    with pytest.raises(ValueError, match="write 'Germany' as 'DE'"):
        load_country_groups(path)


def test_unquoted_norway_is_caught(tmp_path: Path) -> None:
    path = _groups_file(tmp_path, "groups:\n  a: {title: A, source: s, members: [NO]}\n")
    with pytest.raises(ValueError, match="not text"):
        load_country_groups(path)
