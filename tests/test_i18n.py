"""Every word translated (issue 25, part 3): the English, Russian and Kazakh catalogs have the
same message ids with the same placeholders and the plural forms of their language; every
reason the screening gives renders in Russian and Kazakh with no English left in it; every
page renders in the three languages with no English interface string on a Russian or Kazakh
page; the browser's Accept-Language picks the language; the language switch never sends the
reader to another site."""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.plurals import get_plural
from fastapi.testclient import TestClient

import diversion
from diversion.api.app import create_app
from diversion.cases.users import Users
from diversion.declarations import read_declarations
from diversion.home import Home
from diversion.i18n import (
    LANGUAGES,
    Country,
    Text,
    best_language,
    catalog,
    fields,
    has,
    load,
    message_ids,
    missing,
    pattern,
    render,
    stored,
    text,
)
from diversion.reference import package_file
from diversion.rules import load_catalogue
from diversion.screening import Screener, ScreeningContext
from diversion.store import Store, open_store
from diversion.web.deps import LANGUAGE_COOKIE
from diversion.web.views.session import own_page
from tests.test_api import RED

SRC = Path(diversion.__file__).resolve().parent
OTHERS = ("ru", "kk")


def _wordings(language: str) -> dict[str, tuple[str, ...]]:
    found = {}
    for message in catalog(language):
        if not message.id:
            continue
        key = message.id[0] if message.pluralizable else message.id
        strings = message.string if message.pluralizable else (message.string,)
        found[key] = tuple(strings)
    return found


def _english_phrases() -> dict[str, set[str]]:
    """Each English phrase of two or more words (a wording's text between placeholders) and
    the ids it comes from: none of them may show on a Russian or Kazakh page."""
    phrases: dict[str, set[str]] = {}
    for key, forms in _wordings("en").items():
        for form in forms:
            for literal, *_ in string.Formatter().parse(form):
                for piece in re.split(r"[;:()\[\]]", literal):
                    words = re.findall(r"[A-Za-z][A-Za-z'-]*", piece)
                    if len(words) >= 2:
                        phrases.setdefault(" ".join(piece.split()), set()).add(key)
    return phrases


PHRASES = _english_phrases()


def english_left(language: str, shown: str) -> list[str]:
    """English phrases of the catalog in `shown`, except those the language's own wording of
    the same id keeps (a command name, a brand)."""
    own = _wordings(language)
    flat = " ".join(shown.split())
    return [
        phrase
        for phrase, keys in PHRASES.items()
        if phrase in flat and not any(phrase in form for key in keys for form in own[key])
    ]


# -- the catalogs ------------------------------------------------------------------------------


def test_every_catalog_has_every_english_id_with_the_same_placeholders() -> None:
    assert missing() == []
    english = message_ids("en")
    assert len(english) > 200
    for language in OTHERS:
        assert message_ids(language) == english


def test_a_missing_or_wrong_translation_is_reported(tmp_path: Path) -> None:
    """The check itself can fail: a catalog with a key dropped, a placeholder renamed and an
    empty wording is reported three times."""
    from babel.messages.pofile import read_po

    source = (SRC / "i18n/locale/ru/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    broken = source.replace('msgid "dashboard"\nmsgstr "Обзор"\n', "")
    broken = broken.replace("Вы вошли как {user} ({role})", "Вы вошли как {name} ({role})")
    broken = broken.replace('msgid "queue"\nmsgstr "Очередь"', 'msgid "queue"\nmsgstr ""')
    path = tmp_path / "messages.po"
    path.write_text(broken, encoding="utf-8")
    with path.open("rb") as handle:
        bad = read_po(handle, locale="ru")
    problems = missing(("ru",), read=lambda language: bad if language == "ru" else catalog("en"))
    assert "ru: dashboard is missing" in problems
    assert any(p.startswith("ru: signed_in_as has placeholders ['name', 'role']") for p in problems)
    assert "ru: queue has an empty or fuzzy wording" in problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_are_the_languages_own(language: str) -> None:
    """Russian has three forms (1 дело, 2 дела, 5 дел), Kazakh and English two: the header of
    each catalog is Babel's (CLDR's) rule, and every plural message has that many forms."""
    found = catalog(language)
    assert found.plural_forms == get_plural(language).plural_forms
    for forms in (f for m in found if m.id and m.pluralizable for f in [m.string]):
        assert len(forms) == get_plural(language).num_plurals


def test_plural_forms_follow_the_count() -> None:
    def cases(language: str, count: int) -> str:
        return render(language, "cases.count", {"count": count})

    assert [cases("en", n) for n in (1, 2)] == ["1 open case", "2 open cases"]
    assert [cases("ru", n) for n in (1, 3, 5, 11, 21, 22, 25)] == [
        "1 открытое дело",
        "3 открытых дела",
        "5 открытых дел",
        "11 открытых дел",
        "21 открытое дело",
        "22 открытых дела",
        "25 открытых дел",
    ]
    assert cases("kk", 1) == "1 ашық іс" and cases("kk", 7) == "7 ашық іс"


def test_unsure_kazakh_wordings_are_marked_for_a_translator() -> None:
    marked = [m for m in catalog("kk") if any("unsure" in c for c in m.user_comments)]
    assert marked, "the Kazakh catalog marks the wordings a translator should review"


def test_every_message_id_in_the_code_is_in_the_catalog() -> None:
    """A `text("...")` whose id the catalog lacks would fail at screening time: find them all."""
    used = set()
    for path in SRC.rglob("*.py"):
        for match in re.finditer(r'\btext\(\s*"([a-z_][\w.-]*)"', path.read_text("utf-8")):
            used.add(match.group(1))
        for match in re.finditer(r'"(reason\.part\.[\w.]+)"', path.read_text("utf-8")):
            used.add(match.group(1))
    assert len(used) > 60
    assert sorted(used - message_ids("en")) == []


def test_every_rule_of_the_catalogue_has_its_messages_in_every_language() -> None:
    """Each reason code has at least one message id `reason.<code>...`, in all catalogs."""
    codes = list(load_catalogue().rules)
    assert len(codes) > 25
    for code in codes:
        ids = [key for key in message_ids("en") if key.startswith(f"reason.{code}")]
        assert ids, f"no message for {code}"
        for language in OTHERS:
            for key in ids:
                assert pattern(language, key, 2) != pattern("en", key, 2), (language, key)


def _sample(value_of: str) -> Any:
    return {"role": text("role.end_user"), "country": Country("RU")}.get(value_of, "X1")


@pytest.mark.parametrize("language", OTHERS)
def test_every_reason_wording_renders_with_no_english_left(language: str) -> None:
    """Every `reason.*` wording, its placeholders filled with data, in Russian and Kazakh."""
    for key in sorted(k for k in message_ids("en") if k.startswith("reason.")):
        names = fields(pattern("en", key, 2))
        params: dict[str, Any] = {name: _sample(name) for name in names}
        for name in names & {"count", "score", "ratio"}:
            params[name] = 3
        shown = render(language, key, params)
        assert not english_left(language, shown), (key, shown)


# -- reasons from real screening ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_reasons(context: ScreeningContext) -> list[Any]:
    read = read_declarations(package_file("diversion", "data/demo/declarations.csv"))
    screener = Screener(context)
    return [r for d in read.declarations for r in screener.screen(d).reasons]


def test_reasons_carry_a_message_id_and_parameters_and_keep_their_english(
    demo_reasons: list[Any],
) -> None:
    assert len({r.code for r in demo_reasons}) >= 5
    for reason in demo_reasons:
        assert isinstance(reason.text, Text) and has(reason.text.id)
        assert reason.message == reason.text.render("en")
        stored_form = reason.to_dict()
        assert stored_form["message_id"] == reason.text.id
        # what a store keeps (JSON) renders back the same, in every language
        assert stored("en", stored_form) == reason.message
        back = {k: load(v) for k, v in stored_form["params"].items()}
        assert render("ru", reason.text.id, back) == reason.message_in("ru")


@pytest.mark.parametrize("language", OTHERS)
def test_demo_reasons_render_in_the_readers_language(
    demo_reasons: list[Any], language: str
) -> None:
    for reason in demo_reasons:
        shown = reason.message_in(language)
        assert shown != reason.message
        assert not english_left(language, shown), (reason.code, shown)
    if language == "ru":
        sanctioned = next(r for r in demo_reasons if r.code == "party.sanctioned")
        assert "совпадает" in sanctioned.message_in("ru")


def test_a_reason_stored_before_message_ids_keeps_its_english() -> None:
    old = {"code": "party.sanctioned", "message": "Consignee 'X' matches listed 'Y'"}
    assert stored("ru", old) == old["message"]


# -- the language of the pages -----------------------------------------------------------------


def test_accept_language_picks_the_first_language_we_have() -> None:
    assert best_language("kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.5") == "kk"
    assert best_language("de-DE,de;q=0.9,ru;q=0.8,en;q=0.7") == "ru"
    assert best_language("en;q=0.3, ru;q=0.9") == "ru"
    assert best_language("ru;q=0, kk") == "kk"
    assert best_language("de, fr") is None and best_language(None) is None
    assert best_language("ru;q=abc, kk;q=0.1") == "kk"


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        (None, "/app/"),
        ("http://testserver/app/queue?corridor=red", "/app/queue?corridor=red"),
        ("/app/licences", "/app/licences"),
        ("https://evil.example/app/queue", "/app/"),
        ("//evil.example/app/", "/app/"),
        ("http://testserver.evil.example/app/", "/app/"),
        ("javascript:alert(1)//app/", "/app/"),
        ("http://testserver/logout", "/app/"),
        ("http://testserver/app/\\\\evil.example", "/app/"),
    ],
)
def test_language_switch_goes_back_only_to_the_apps_own_pages(
    referer: str | None, back: str
) -> None:
    assert own_page(referer, "testserver") == back


@pytest.fixture
def app(tmp_path: Path) -> Iterator[tuple[TestClient, Store]]:
    store = open_store(Home(tmp_path))
    client = TestClient(create_app(Home(tmp_path), store))
    users = Users(store)
    users.add("ana", "analyst")
    users.set_password("ana", "a long enough password")
    api = users.create_token("ana", "test")
    screened = client.post("/screen", json=RED, headers={"Authorization": f"Bearer {api}"})
    assert screened.status_code == 200
    yield client, store
    store.close() if hasattr(store, "close") else None


def _sign_in(client: TestClient) -> None:
    response = client.post(
        "/app/login",
        data={"username": "ana", "password": "a long enough password"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_lang_route_refuses_a_foreign_referer_and_sets_the_choice(
    app: tuple[TestClient, Store],
) -> None:
    client, _ = app
    response = client.get(
        "/app/lang/kk", headers={"Referer": "https://evil.example/app/"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/app/"
    assert f"{LANGUAGE_COOKIE}=kk" in response.headers["set-cookie"]
    unknown = client.get("/app/lang/xx", follow_redirects=False)
    assert "set-cookie" not in unknown.headers


def test_browser_language_is_used_until_the_reader_chooses(app: tuple[TestClient, Store]) -> None:
    client, _ = app
    page = client.get("/app/login", headers={"Accept-Language": "kk-KZ,ru;q=0.8"})
    assert '<html lang="kk">' in page.text and "Кіру" in page.text
    page = client.get("/app/login", headers={"Accept-Language": "ru-RU,en;q=0.5"})
    assert '<html lang="ru">' in page.text and "Войти" in page.text
    assert '<html lang="en">' in client.get("/app/login").text
    client.cookies.set(LANGUAGE_COOKIE, "en")
    page = client.get("/app/login", headers={"Accept-Language": "ru"})
    assert '<html lang="en">' in page.text, "the reader's choice wins over the browser"


def visible(page: str) -> str:
    """The words a reader sees: no markup, styles, scripts, or the raw evidence JSON."""
    page = re.sub(r"(?s)<(style|script|pre)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


PAGES = ("/app/", "/app/queue", "/app/declarations/API-1", "/app/licences", "/app/lists")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_in_the_readers_language(
    app: tuple[TestClient, Store], language: str
) -> None:
    client, _ = app
    client.cookies.set(LANGUAGE_COOKIE, language)
    shown = {"/app/login": visible(client.get("/app/login").text)}
    _sign_in(client)
    for path in (*PAGES, "/app/flows"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.text
        shown[path] = visible(response.text)
    declaration = shown["/app/declarations/API-1"]
    if language == "en":
        assert "Reasons and evidence" in declaration and "red" in declaration
        return
    for path, words in shown.items():
        assert english_left(language, words) == [], (path, english_left(language, words))
    corridor = {"ru": "красный", "kk": "қызыл"}[language]
    consignee = {"ru": "Получатель", "kk": "Жүк алушы"}[language]
    assert corridor in declaration and consignee in declaration
    sanctioned = {"ru": "совпадает с", "kk": "сәйкес келеді"}[language]
    assert sanctioned in declaration, "the reason's message is in the reader's language"
    assert corridor in shown["/app/queue"] and corridor in shown["/app/"]


def test_the_page_check_catches_english_on_a_russian_page() -> None:
    """The check is not empty: an English reason on a Russian page is found."""
    english = render("en", "reason.route.hub_to_russia", {"destination": "TR", "parties": "x"})
    assert "Declared to" in english_left("ru", f"Очередь {english}")
    assert english_left("ru", "Очередь") == []


def test_api_and_cli_keep_english_and_accept_a_language(app: tuple[TestClient, Store]) -> None:
    client, store = app
    token = Users(store).create_token("ana", "again")
    auth = {"Authorization": f"Bearer {token}"}
    english = client.post("/screen", json=RED, headers=auth).json()
    russian = client.post("/screen?lang=ru", json=RED, headers=auth).json()
    kazakh = client.post("/screen?lang=kk", json=RED, headers=auth).json()
    first = [d["reasons"][0] for d in (english, russian, kazakh) for d in d["decisions"]]
    assert first[0]["message"].startswith("Exporter 'ТОО «Беркут Аэро Трейд»' matches listed")
    assert first[1]["message"].startswith("Экспортёр «ТОО «Беркут Аэро Трейд»» совпадает с")
    assert first[2]["message"].startswith("Экспорттаушы «ТОО «Беркут Аэро Трейд»»")
    assert len({r["message_id"] for r in first}) == 1 and first[0]["params"] == first[2]["params"]
    assert client.post("/screen?lang=de", json=RED, headers=auth).status_code == 422
