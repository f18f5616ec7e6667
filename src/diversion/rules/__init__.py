"""The rule catalogue: every reason code with its severity, parameters and source."""

from diversion.rules.catalogue import SEVERITY_ORDER, Catalogue, Rule, load_catalogue
from diversion.rules.config import CONFIG_FILE, RuleConfigError, apply_config, load_config

__all__ = [
    "CONFIG_FILE",
    "SEVERITY_ORDER",
    "Catalogue",
    "Rule",
    "RuleConfigError",
    "apply_config",
    "load_catalogue",
    "load_config",
]
