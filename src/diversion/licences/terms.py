"""The words of the licence register: the kinds of licence and the states one can be in.

Apart from the model so that the CLI names them in its help without loading the model's name
normalisation."""

TYPES = ("individual", "general")
STATUSES = ("active", "suspended", "revoked")
