"""Docs that cannot drift (issue 20): the README's command table and the docs name every option
each command has and none it lacks, read from the real command tree (as datasette's docs are
tested against its `--help`); every reason code of the catalogue is in docs/screening.md and
every code its table names is in the catalogue; and claims the docs make about the code hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from diversion.cli.app import app
from diversion.cli.groups import GROUPS, typer_app
from diversion.rules import load_catalogue
from diversion.screening import ScreeningContext

ROOT = Path(__file__).parents[1]
Path_ = tuple[str, ...]

# Where each top-level command or group is described, besides its README row. --home, --db
# and --help are on almost every command and described once, in the README.
PAGES: dict[str, tuple[str, ...]] = {
    "screen": ("docs/screening.md", "docs/declarations.md"),
    "demo": ("docs/screening.md",),
    "version": (),
    "rules": ("docs/screening.md", "docs/control-lists.md"),
    "serve": ("docs/api.md",),
    "lists": ("docs/lists.md",),
    "licences": ("docs/licences.md",),
    "goods": ("docs/control-lists.md",),
    "match": ("docs/matching.md",),
    "network": ("docs/network.md",),
    "flows": ("docs/flows.md",),
    "cases": ("docs/cases.md",),
    "users": ("docs/cases.md", "docs/api.md"),
    "audit": ("docs/cases.md",),
}
COMMON = ("--home", "--db", "--help")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _walk(command: Any, path: Path_) -> Iterator[tuple[Path_, Any]]:
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            if not path and name in GROUPS:  # a stand-in until named: build the real group
                sub = typer.main.get_group(typer_app(name))
            yield from _walk(sub, (*path, name))
    else:
        yield path, command


@cache
def commands() -> dict[Path_, frozenset[str]]:
    """Every command of `diversion`, with its options' long names."""
    return {
        path: frozenset(
            name
            for param in command.params
            if param.param_type_name == "option"
            for name in (*param.opts, *param.secondary_opts)
            if name.startswith("--")
        )
        for path, command in _walk(typer.main.get_command(app), ())
    }


def _named_commands(words: list[str]) -> list[Path_]:
    """The commands a usage like `flows surges|mirror --hub XX` or `lists ls` names, if any."""
    if not words:
        return []
    known = commands()
    if (words[0],) in known:
        return [(words[0],)]
    if len(words) < 2:
        return []
    named: list[Path_] = [(words[0], sub) for sub in words[1].replace("\\|", "|").split("|")]
    return named if all(path in known for path in named) else []


def _readme_usages() -> Iterator[tuple[Path_, str]]:
    """Each usage in the first column of the README's command table, by the command it names:
    `lists import FORMAT PATH... [--list NAME]` gives ("lists", "import") and its text."""
    for line in text("README.md").splitlines():
        if not line.startswith("| `"):
            continue
        first = re.split(r"(?<!\\)\|", line)[1]
        for usage in re.findall(r"`([^`]+)`", first):
            for path in _named_commands(usage.split()):
                yield path, usage


def _doc_usages(page: str) -> Iterator[tuple[Path_, str]]:
    return _usages_in(text(page))


def _usages_in(content: str) -> Iterator[tuple[Path_, str]]:
    """Each command line in a page: `diversion ...` lines of its shell blocks (with their
    continuation lines) and inline code that starts with a command (`cases rescreen --days N`),
    by the command they name."""
    lines = content.splitlines()
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1] + " " + line.strip()
        else:
            joined.append(line)
    for line in joined:
        stripped = line.strip().removeprefix("$ ")
        if stripped.startswith("diversion "):
            command = re.split(r" # | \| | > ", stripped)[0]
            for path in _named_commands(command.split()[1:]):
                yield path, command
        for span in re.findall(r"`([^`\n]+)`", line):
            words = span.removeprefix("diversion ").split()
            for path in _named_commands(words):
                if len(path) == 2 or span.startswith("diversion "):
                    yield path, span


def _described(path: Path_) -> str:
    """All the text that may describe a command's options: its README usages and its pages."""
    readme = " ".join(usage for named, usage in _readme_usages() if named == path)
    return readme + "\n".join(text(page) for page in PAGES[path[0]])


def test_the_walk_finds_every_group_and_its_commands() -> None:
    found = commands()
    assert {path[0] for path in found} == set(PAGES)
    assert ("lists", "import") in found and "--rescreen-days" in found["lists", "import"]
    assert ("cases", "act") in found and "--token-file" in found["cases", "act"]


def test_the_common_options_are_described_in_the_readme() -> None:
    readme = text("README.md")
    assert all(option in readme for option in ("--home DIR", "--db URL"))


@pytest.mark.parametrize("path", sorted(commands()), ids=" ".join)
def test_every_command_is_named_in_the_readme_or_its_page(path: Path_) -> None:
    named = {p for p, _ in _readme_usages()} | {
        p for page in PAGES[path[0]] for p, _ in _doc_usages(page)
    }
    assert path in named, f"`{' '.join(path)}` is in no README row and no page of {PAGES}"


@pytest.mark.parametrize("path", sorted(commands()), ids=" ".join)
def test_every_option_of_a_command_is_documented(path: Path_) -> None:
    described = set(OPTION.findall(_described(path)))
    missing = sorted(commands()[path] - described - set(COMMON))
    assert missing == [], f"`diversion {' '.join(path)}`: options in no doc: {missing}"


def _unknown(path: Path_, usage: str) -> list[str]:
    return [o for o in OPTION.findall(usage) if o not in commands()[path] and o != "--help"]


def test_the_usage_reader_finds_a_stale_option() -> None:
    page = (
        "```sh\ndiversion cases ls --corridor red \\\n    --colour blue   # a comment --x\n```\n"
        "Then `lists export ofac-sdn --snapshot S --gzip` and `flows surges|mirror --hubs KZ`."
    )
    found = [(path, _unknown(path, usage)) for path, usage in _usages_in(page)]
    assert found == [
        (("cases", "ls"), ["--colour"]),
        (("lists", "export"), ["--gzip"]),
        (("flows", "surges"), ["--hubs"]),
        (("flows", "mirror"), ["--hubs"]),
    ]


def _stale() -> list[str]:
    stale = []
    pages = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
    usages = [("README.md", p, u) for p, u in _readme_usages()] + [
        (page, p, u) for page in pages for p, u in _doc_usages(page)
    ]
    for where, path, usage in usages:
        for option in _unknown(path, usage):
            stale.append(f"{where}: `{usage}`: `{' '.join(path)}` has no {option}")
    return sorted(set(stale))


def test_no_doc_names_an_option_a_command_lacks() -> None:
    assert _stale() == []


# -- reason codes ------------------------------------------------------------------------------


def _screening_table_codes() -> set[str]:
    """The codes in the first column of docs/screening.md's tables."""
    codes = set()
    for line in text("docs/screening.md").splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            codes |= {c for c in re.findall(r"`([a-z_]+\.[a-z_]+)`", first)}
    return codes


def test_every_reason_code_is_documented_in_screening_md() -> None:
    docs = text("docs/screening.md")
    missing = [rule for rule in load_catalogue().rules if f"`{rule}`" not in docs]
    assert missing == []


def test_every_code_screening_md_tabulates_is_in_the_catalogue() -> None:
    named = _screening_table_codes()
    assert "party.sanctioned" in named and "licence.exhausted" in named
    assert sorted(named - set(load_catalogue().rules)) == []


# -- claims the docs make about the code --------------------------------------------------------


def test_screening_does_not_give_the_party_country_to_matching(context: ScreeningContext) -> None:
    """docs/screening.md#name-matching: names and identifiers decide; a listed firm declared in
    another country scores the same (the engine's `country` feature would lower it)."""
    from diversion.screening.pipeline import Screener
    from tests.test_cases import BERKUT, declaration

    def score(country: str) -> float:
        decision = Screener(context).screen(
            declaration(exporter_name="ТОО «Беркут Аэро Трейд»", exporter_country=country)
        )
        [hit] = [r for r in decision.reasons if r.evidence.get("entity_id") == BERKUT]
        return float(hit.evidence["score"])

    assert score("KZ") == score("CN") >= 0.9
    [matcher] = context.matchers
    at_home = matcher.match("Berkut Aero Trade", countries=["kz"])[0].score
    abroad = matcher.match("Berkut Aero Trade", countries=["cn"])[0].score
    assert abroad < at_home  # the engine would tell them apart if it were given the country
    assert "with the\nparty's name and identifier. The party's country is not passed" in text(
        "docs/screening.md"
    )


def test_a_match_query_without_a_name_is_matched_by_its_identifier(
    tmp_path: Path,
) -> None:
    """docs/api.md: a query with an identifier and no name is matched by the identifier; one
    with neither (or with an unknown schema) makes the request a 400, as yente answers it."""
    from diversion.home import Home
    from diversion.store import open_store
    from diversion.store.engine import default_url
    from tests.test_api import Api
    from tests.test_cases import BERKUT

    home = Home(tmp_path / "home")
    store = open_store(home, default_url(home))
    try:
        api = Api(store, tmp_path / "home")
        body = {
            "queries": {
                "by_id": {
                    "schema": "Company",
                    "properties": {"registrationNumber": ["220440031128"]},
                },
            }
        }
        response = api.call("vic", "POST", "/match/default", json=body)
        nothing = {"schema": "Company", "properties": {"country": ["kz"]}}
        refused = api.call("vic", "POST", "/match/default", json={"queries": {"n": nothing}})
    finally:
        store.engine.dispose()
    assert response.status_code == 200
    by_id = response.json()["responses"]["by_id"]
    assert by_id["status"] == 200 and by_id["results"][0]["id"] == BERKUT
    assert refused.status_code == 400 and "neither a name nor an identifier" in refused.text
    assert "or by the identifier alone when it gives no name" in text("docs/api.md")
