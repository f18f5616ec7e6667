"""The rule catalogue: every reason code with its severity, parameters and source."""

from diversion.rules.catalogue import SEVERITY_ORDER, Catalogue, Rule, load_catalogue

__all__ = ["SEVERITY_ORDER", "Catalogue", "Rule", "load_catalogue"]
