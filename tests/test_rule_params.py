"""Typed rule parameters: the catalogue declares each parameter's type, default and meaning,
the loader checks the defaults against them, and a rules file is checked against them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from diversion.reference import package_file
from diversion.rules import RuleConfigError, apply_config, load_catalogue
from diversion.rules.params import TYPES
from tests.test_cli import run

CATALOGUE = package_file("diversion.rules", "data/catalogue.yml")
SCREENING = Path(__file__).resolve().parents[1] / "src" / "diversion" / "screening"


def test_every_parameter_of_every_rule_declares_a_type_a_default_and_a_meaning() -> None:
    raw = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    catalogue = load_catalogue()
    walked = 0
    for spec in raw["rules"]:
        rule = catalogue[spec["id"]]
        for name, declaration in (spec.get("params") or {}).items():
            walked += 1
            assert set(declaration) >= {"type", "default", "description"}, (rule.id, name)
            assert declaration["type"] in TYPES, (rule.id, name)
            param = rule.declared[name]
            assert param.description, (rule.id, name)
            assert rule.params[name] == declaration["default"], (rule.id, name)
            assert param.faults(param.default, catalogue.vocabulary) == [], (rule.id, name)
            for field_name, field in param.fields.items():
                assert field.type in TYPES and field.description, (rule.id, name, field_name)
    assert walked == sum(len(rule.params) for rule in catalogue.rules.values()) > 90


def test_every_parameter_a_check_reads_is_declared() -> None:
    # a check that reads a parameter no rule declares would read None, whatever a rules file says
    declared = {name for rule in load_catalogue().rules.values() for name in rule.params}
    read: set[str] = set()
    for path in SCREENING.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"params(?:\.get\(|\[)\"([a-z_]+)\"", text))
    assert {"procedures", "origin_bans", "uncertain_severity", "codes"} <= read
    assert read - declared == set()


def test_a_catalogue_default_that_does_not_fit_its_type_is_refused(tmp_path: Path) -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    sidecar = CATALOGUE.with_name(CATALOGUE.name + ".meta.yml")
    (tmp_path / sidecar.name).write_text(sidecar.read_text(encoding="utf-8"), encoding="utf-8")
    broken = {
        "block_score:\n        type: number\n        default: 0.90": (
            "block_score:\n        type: number\n        default: high",
            "rule party.sanctioned: parameter block_score: the default must be a number, "
            "not 'high'",
        ),
        "hub_group:\n        type: country_group\n        default: transit_hubs": (
            "hub_group:\n        type: country_group\n        default: transit_hub",
            "parameter hub_group: the default: no such country group 'transit_hub'",
        ),
        "route.hub_to_russia, goods.description_mismatch,": (
            "route.hub_to_rusia, goods.description_mismatch,",
            "rule policy.red_flags: parameter codes: the default: no such reason code "
            "'route.hub_to_rusia'",
        ),
        "valid_from: 2022-08-27": (
            "valid_from: 27 August 2022",
            "parameter suspensions: the default: item 1: valid_from must be a date",
        ),
        "min_ratio:\n        type: number": (
            "min_ratio:\n        type: float",
            "parameter min_ratio: type must be one of bool, int, number",
        ),
        "        description: How many distinct red flags on one declaration stop it.\n": (
            "",
            "rule policy.red_flags: parameter at_least: no description",
        ),
    }
    for original, (replacement, message) in broken.items():
        assert text.count(original) == 1, original
        path = tmp_path / "catalogue.yml"
        path.write_text(text.replace(original, replacement), encoding="utf-8")
        with pytest.raises(ValueError, match=re.escape(message)):
            load_catalogue(path)
    path.write_text(text, encoding="utf-8")
    assert load_catalogue(path).rules.keys() == load_catalogue().rules.keys()


def faults_of(tmp_path: Path, settings: str) -> list[str]:
    path = tmp_path / "rules.yml"
    path.write_text(settings, encoding="utf-8")
    with pytest.raises(RuleConfigError) as raised:
        apply_config(load_catalogue(), path)
    return raised.value.errors


def test_a_wrong_value_in_a_rules_file_names_the_declared_type(tmp_path: Path) -> None:
    errors = faults_of(
        tmp_path,
        "rules:\n"
        "  party.sanctioned:\n"
        "    params:\n"
        "      block_score: high\n"  # 4
        "      max_matches: 2.5\n"  # 5
        "      roles: [exporter, buyer]\n"  # 6
        "  route.hub_to_russia:\n"
        "    params:\n"
        "      hub_group: transit_hub\n"  # 9
        "      procedures: [export, reexport]\n"  # 10
        "  policy.red_flags:\n"
        "    params: {codes: [party.new_compny]}\n"  # 12
        "  goods.reexport_ban:\n"
        "    params: {goods: some}\n"  # 14
        "  goods.controlled:\n"
        "    params:\n"
        "      skip_lists: all\n"  # 17
        "      severity_by_procedure: {import: none}\n"  # 18
        "  route.imported_from_coalition:\n"
        "    params: {dispatch_countries: [kz]}\n",  # 20
    )
    name = str(tmp_path / "rules.yml")
    assert errors == [
        f"{name}:4: party.sanctioned.params.block_score: must be a number, not 'high'",
        f"{name}:5: party.sanctioned.params.max_matches: must be a whole number, not 2.5",
        f"{name}:6: party.sanctioned.params.roles: no such party role 'buyer' (known: "
        "consignee, end_user, exporter, forwarder, payer)",
        f"{name}:9: route.hub_to_russia.params.hub_group: no such country group 'transit_hub' "
        f"(known: {', '.join(sorted(load_catalogue().vocabulary.country_groups))})",
        f"{name}:10: route.hub_to_russia.params.procedures: no such procedure 'reexport' "
        "(known: export, import, re-export, transit)",
        f"{name}:12: policy.red_flags.params.codes: no such reason code 'party.new_compny' "
        f"(known: {', '.join(sorted(load_catalogue().rules))})",
        f"{name}:14: goods.reexport_ban.params.goods: must be one of listed, all, not 'some'",
        f"{name}:17: goods.controlled.params.skip_lists: must be a list of control-list ids, "
        "not 'all'",
        f"{name}:18: goods.controlled.params.severity_by_procedure: no such severity 'none' "
        "(known: high, low, medium)",
        f"{name}:20: route.imported_from_coalition.params.dispatch_countries: write 'kz' as 'KZ'",
    ]


def test_a_rules_file_may_set_what_the_declarations_allow(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(
        "rules:\n"
        "  route.imported_from_coalition:\n"
        "    params: {dispatch_countries: null, dispatch_valid_to: 2026-12-22}\n"
        "  party.sanctioned:\n"
        "    params: {block_score: 1, roles: [exporter]}\n"
        "  goods.reexport_ban:\n"
        "    params:\n"
        "      origin_bans:\n"
        "        - {id: eu-annex, origin_group: eu27, lists: [eu-annex-xxiii], goods: null}\n",
        encoding="utf-8",
    )
    catalogue = apply_config(load_catalogue(), path)
    route = catalogue["route.imported_from_coalition"].params
    assert route["dispatch_countries"] is None
    assert str(route["dispatch_valid_to"]) == "2026-12-22"
    assert catalogue["party.sanctioned"].params["block_score"] == 1
    assert catalogue["goods.reexport_ban"].named("control_lists", "control_list_ids") == [
        "eu-annex-xxiii"
    ]


def test_rules_ls_and_show_give_each_parameter_its_type_default_and_meaning(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "rules.yml").write_text(
        "rules:\n  party.sanctioned:\n    params: {max_matches: 5}\n", encoding="utf-8"
    )
    listed = run("rules", "ls", "--json", "--home", str(home), cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rules: dict[str, Any] = {r["id"]: r for r in json.loads(listed.stdout)}
    sanctioned = rules["party.sanctioned"]
    assert sanctioned["params"]["max_matches"] == 5
    assert sanctioned["parameters"]["max_matches"] == {
        "type": "int",
        "expected": "a whole number",
        "description": "The most matches reported per party, strongest first.",
        "default": 3,
    }
    bans = rules["goods.reexport_ban"]["parameters"]["origin_bans"]
    assert bans["type"] == "items" and bans["fields"]["valid_to"]["type"] == "date"
    assert bans["default"][1]["id"] == "kz-2025-eu-us-uk"
    assert all(p["description"] for rule in rules.values() for p in rule["parameters"].values())
    shown = run("rules", "show", "party.sanctioned", "--home", str(home), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "max_matches" in shown.stdout and "5 (default 3)" in shown.stdout
    assert "The most matches reported per party" in shown.stdout
    missing = run("rules", "show", "party.sanctiond", "--home", str(home), cwd=tmp_path)
    assert missing.returncode == 2 and "no such rule 'party.sanctiond'" in missing.stderr


def test_the_docs_rules_file_is_valid_and_name_every_parameter_type(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "control-lists.md"
    section = docs.read_text(encoding="utf-8").split("## Tuning the rules")[1].split("\n## ")[0]
    example = section.split("```yaml\n")[1].split("```")[0]
    path = tmp_path / "rules.yml"
    path.write_text(example, encoding="utf-8")
    tuned = apply_config(load_catalogue(), path)
    assert tuned.disabled == {"goods.controlled"}
    assert tuned["goods.reexport_ban"].params["goods"] == "all"
    table = section.split("| type | a value is |")[1].split("\n\n")[0]
    documented = set(
        re.findall(r"`([a-z_]+)`", "".join(r.split("|")[1] for r in table.split("\n")[2:]))
    )
    assert documented == set(TYPES)
