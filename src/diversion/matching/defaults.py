"""The matching engine's defaults that front ends show before any matching is done.

Apart from scoring and pairs so that the CLI builds its help without the matching stack."""

# The default threshold: at or above it a result is a match. It sits just above 0.70, the
# score of names alike in every word but a number or a legal form (docs/matching.md); on the
# evaluation sets it gives the Central Asia set recall >= 0.95 at precision 0.99.
DEFAULT_THRESHOLD = 0.72

# The FtM schemata a query or a pair of names may be of.
SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane")
