"""The matching algorithms `/match` offers, described as yente's `/algorithms` describes them:
Diversion's own (the default and the best) and nomenklatura's logic-v2."""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any

from diversion.service.matching import DIVERSION, LOGIC_V2


def diversion_docs() -> dict[str, Any]:
    from diversion.matching.scoring import FEATURES
    from diversion.matching.settings import Settings

    config = {}
    for spec in fields(Settings):
        default = spec.default if spec.default is not MISSING else None
        config[spec.name] = {
            "type": "integer" if isinstance(default, int) else "float",
            "description": spec.metadata.get("description"),
            "default": default,
        }
    return {
        "name": DIVERSION,
        "description": "Diversion's name matcher (docs/matching.md): the best pair of a query "
        "name and a listed name decides, an identical identifier overrides it, and facts that "
        "disagree (numbers, legal forms, countries, birth dates) take away from it.",
        "features": {
            f.name: {"description": f.description, "coefficient": f.weight, "url": None}
            for f in FEATURES
        },
        "config": config,
    }


def logic_v2_docs() -> dict[str, Any]:
    from nomenklatura.matching import LogicV2

    docs = LogicV2.get_docs().model_dump(mode="json")
    docs["name"] = LOGIC_V2
    docs["description"] = (
        "nomenklatura's logic-v2, as yente offers it, scoring the candidates Diversion's "
        "index finds (not yente's own search). " + " ".join((docs.get("description") or "").split())
    )
    return docs


def algorithms() -> dict[str, Any]:
    return {
        "algorithms": [diversion_docs(), logic_v2_docs()],
        "default": DIVERSION,
        "best": DIVERSION,
    }
