"""Licences: the register, checking a licence against a declaration, and atomic depletion."""

from typing import TYPE_CHECKING

from diversion.lazy import lazy_exports

if TYPE_CHECKING:
    from diversion.licences.assess import CODES, Assessment, Finding
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
else:  # licences.terms is had without the store and the name normalisation; the function
    # assess is not exported here, as the module of its name would shadow it: import it from
    # diversion.licences.assess
    __getattr__ = lazy_exports(
        __name__,
        {
            **dict.fromkeys(("CODES", "Assessment", "Finding"), "assess"),
            **dict.fromkeys(("COLUMNS", "read_licences"), "csv_format"),
            **dict.fromkeys(("Licence", "LicenceState", "licence_key"), "model"),
            **dict.fromkeys(("LicenceRegister", "demo_register", "load_register_csv"), "register"),
            **dict.fromkeys(
                (
                    "AcceptOutcome",
                    "CancelOutcome",
                    "LicenceError",
                    "LicenceImportError",
                    "LicenceStore",
                ),
                "store",
            ),
        },
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
    "demo_register",
    "licence_key",
    "load_register_csv",
    "read_licences",
]
