"""The harmonised trade-flow table: one row per reporter, partner, flow, period and product.

Every loader writes this schema and every detector reads it, from Parquet through DuckDB.
Values are kept in both US dollars and euros; `converted` says which one came from the rate
table (eur_usd.csv) rather than from the source.
"""

from __future__ import annotations

import pyarrow as pa

FLOWS = ("import", "export", "re-export", "re-import")

SCHEMA = pa.schema(
    [
        pa.field("reporter", pa.string(), nullable=False),  # ISO alpha-2, or an area code
        pa.field("partner", pa.string(), nullable=False),
        pa.field("reporter_aggregate", pa.bool_(), nullable=False),
        pa.field("partner_aggregate", pa.bool_(), nullable=False),
        pa.field("flow", pa.string(), nullable=False),
        pa.field("period", pa.string(), nullable=False),  # 2022 or 2022-03
        pa.field("year", pa.int16(), nullable=False),
        pa.field("month", pa.int8()),  # null: the row is for the whole year
        pa.field("hs_code", pa.string(), nullable=False),  # digits, HS 2022 where translated; TOTAL
        pa.field("hs_reported", pa.string(), nullable=False),  # the code as the source wrote it
        pa.field("hs_version", pa.string(), nullable=False),  # HS2017, HS2022, CN, HS (unstated)
        pa.field("value_usd", pa.float64()),
        pa.field("value_eur", pa.float64()),
        pa.field("converted", pa.string()),  # null, "usd" or "eur": the column that was converted
        pa.field("net_weight_kg", pa.float64()),
        pa.field("quantity", pa.float64()),
        pa.field("quantity_unit", pa.string()),
        pa.field("source", pa.string(), nullable=False),  # the layout: comtrade, comext-bulk, ...
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_line", pa.int64(), nullable=False),
    ]
)

# The columns that name one flow: two rows with the same key are the same fact.
KEY = ("reporter", "partner", "flow", "period", "hs_code")
