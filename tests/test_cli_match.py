"""`diversion match` as users run it: query a real imported list, score and evaluate pairs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import SHARED
from tests.test_cli import run

UN = SHARED / "lists" / "un" / "UN_consolidated.xml"


def test_query_finds_a_real_un_entry_across_scripts(tmp_path: Path) -> None:
    home = tmp_path / "home"
    imported = run("lists", "import", "un-xml", str(UN), "--home", str(home), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    # a UN-listed person (Taliban list) written surname first, with a typo
    args = ["query", "BARADAR Abdul Ghany", "--schema", "Person", "--json", "--home", str(home)]
    result = run("match", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits, "no hit for the reordered name"
    best = hits[0]
    assert "BARADAR" in best["caption"].upper() and best["score"] >= 0.75
    assert best["schema"] == "Person" and best["source"].startswith("un-sc-")
    features = {f["feature"]: f for f in best["features"]}
    assert "name_parts" in features and features["name_parts"]["explanation"]


def test_query_without_lists_says_it_used_the_demo_list(tmp_path: Path) -> None:
    result = run(
        "match", "query", "TOO Berkut Aero Treid", "--home", str(tmp_path / "h"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "demo list" in result.stderr
    assert "Беркут Аэро Трейд" in result.stdout and "legal form llc on both" in result.stdout


def test_pairs_adds_score_and_match_and_reports_bad_rows(tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(
        "name1,name2,schema,country1,country2\n"
        "ТОО «Элем Групп»,ELEM GROUP LLP,Company,KZ,KZ\n"
        "Elem Trading,Vostok Trading,Company,,\n"
        ",Nobody,Person,,\n"
        "Alfa,Beta,Spaceship,,\n",
        "utf-8",
    )
    out = tmp_path / "scores.csv"
    result = run("match", "pairs", str(source), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2  # the bad rows make it exit 2, the good ones are scored
    assert f"{source}:4: name1: is empty" in result.stderr
    assert f"{source}:5: schema:" in result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["match"] for r in rows] == ["true", "false"]
    assert float(rows[0]["score"]) > float(rows[1]["score"])
    assert rows[0]["country1"] == "KZ"


def test_eval_prints_both_matchers_side_by_side(tmp_path: Path) -> None:
    source = tmp_path / "labelled.csv"
    source.write_text(
        "name1,name2,schema,is_match,category\n"
        "Шавкат Мирзиёев,Shavkat Mirziyoyev,Person,true,cyrillic_latin\n"
        "ЖШС «Элем Групп»,ELEM GROUP LLP,Company,true,legal_form\n"
        "Elem Trading,Vostok Trading,Company,false,generic\n"
        "Olaf Scholz,Octavian Scholz,Person,false,\n",
        "utf-8",
    )
    result = run("match", "eval", str(source), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    overall = report["slices"][0]
    assert overall["slice"] == "all" and overall["pairs"] == 4
    assert overall["diversion"]["recall"] == 1.0 and overall["diversion"]["precision"] == 1.0
    assert set(overall["logic_v2"]) == {"precision", "recall", "f1"}
    slices = {(s["slice"], s["value"]) for s in report["slices"]}
    assert ("schema", "Person") in slices and ("category", "legal_form") in slices


def test_settings_lists_every_feature_and_setting_and_query_takes_them(tmp_path: Path) -> None:
    listed = run("match", "settings", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    docs = json.loads(listed.stdout)
    settings = {s["name"]: s for s in docs["settings"]}
    assert settings["conflict_weight"] == {
        "name": "conflict_weight",
        "type": "float",
        "default": 2.5,
        "description": settings["conflict_weight"]["description"],
    }
    assert settings["candidates"]["type"] == "int" and settings["candidates"]["default"] == 30
    assert all(s["description"] for s in docs["settings"])
    assert [f["name"] for f in docs["features"]][:2] == ["name_parts", "numbers"]
    # a conflict ("Avia" against "Аэро") keeps the demo firm below 0.5, unless it counts less
    home = ["--home", str(tmp_path / "h"), "--json", "--threshold", "0.5"]
    plain = run("match", "query", "TOO Berkut Avia Treid", *home, cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout) == []
    args = ["TOO Berkut Avia Treid", *home, "--config", "conflict_weight=0.5"]
    tuned = run("match", "query", *args, cwd=tmp_path)
    assert tuned.returncode == 0, tuned.stderr
    assert json.loads(tuned.stdout)[0]["score"] == 0.7059
    wrong = run("match", "query", "x", "--config", "conflict_weight", cwd=tmp_path)
    assert wrong.returncode == 2 and "KEY=VALUE" in wrong.stderr
    unknown = run("match", "query", "x", "--config", "nope=1", cwd=tmp_path)
    assert unknown.returncode == 2 and "no matching setting 'nope'" in unknown.stderr
