"""Licences: the register, checking a licence against a declaration, and atomic depletion."""

from diversion.licences.assess import CODES, Assessment, Finding, assess
from diversion.licences.csv_format import COLUMNS, read_licences
from diversion.licences.model import Licence, LicenceState, licence_key
from diversion.licences.register import LicenceRegister, demo_register, load_register_csv
from diversion.licences.store import (
    AcceptOutcome,
    CancelOutcome,
    LicenceError,
    LicenceImportError,
    LicenceStore,
)

__all__ = [
    "CODES",
    "COLUMNS",
    "AcceptOutcome",
    "Assessment",
    "CancelOutcome",
    "Finding",
    "Licence",
    "LicenceError",
    "LicenceImportError",
    "LicenceRegister",
    "LicenceState",
    "LicenceStore",
    "assess",
    "demo_register",
    "licence_key",
    "load_register_csv",
    "read_licences",
]
