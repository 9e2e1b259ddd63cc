"""Shared helpers for the Delta interop scripts: canonical JSON of rows and DuckDB with the delta extension.

Rows are normalised the same way as the TypeScript side (test/interop/delta/helpers.ts):
dates 'YYYY-MM-DD', timestamps ISO in UTC with millisecond precision, decimals as exact text,
integers as text when beyond 2^53, floats as numbers.
"""
import datetime
import decimal
import glob
import json
import os
import sys


def canon(v):
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return v.strftime('%Y-%m-%dT%H:%M:%S.') + f'{v.microsecond // 1000:03d}Z'
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return format(v, 'f')
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 else str(v)
    if isinstance(v, float):
        return v
    if isinstance(v, bytes):
        return v.hex()
    return v


def rows_of(table):
    """Canonical rows of a pyarrow table."""
    return [{k: canon(v) for k, v in r.items()} for r in table.to_pylist()]


def duck():
    """A DuckDB connection with the delta extension from the duckdb-extension-delta wheel."""
    import duckdb
    import duckdb_extension_delta
    base = os.path.dirname(duckdb_extension_delta.__file__)
    found = glob.glob(os.path.join(base, 'extensions', f'v{duckdb.__version__}', 'delta.duckdb_extension'))
    if not found:
        raise SystemExit(f'no delta extension for duckdb {duckdb.__version__} under {base}: pin duckdb and duckdb-extension-delta to the same version')
    con = duckdb.connect(config={'allow_unsigned_extensions': 'true'})
    con.execute(f"LOAD '{found[0]}'")
    return con


def duck_rows(con, sql):
    """Canonical rows of a DuckDB query (timestamps with time zone are cast to UTC text first)."""
    rel = con.sql(sql)
    cols = rel.columns
    types = [str(t) for t in rel.types]
    select = ', '.join(
        f"strftime(\"{c}\" AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS \"{c}\"" if t.startswith('TIMESTAMP WITH TIME ZONE')
        else f"strftime(\"{c}\", '%Y-%m-%dT%H:%M:%S.%gZ') AS \"{c}\"" if t.startswith('TIMESTAMP')
        else f'"{c}"'
        for c, t in zip(cols, types)
    )
    out = con.sql(f'SELECT {select} FROM ({sql})').fetchall()
    return [{c: canon(v) for c, v in zip(cols, r)} for r in out]


def main(handlers):
    """Runs handlers[argv[1]](json.loads(argv[2])) and prints its JSON result."""
    cmd, arg = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else '{}')
    print(json.dumps(handlers[cmd](arg), default=str))
    sys.stdout.flush()
    # delta-rs' runtime threads sometimes abort the interpreter's shutdown ("terminate called
    # without an active exception") after the work is done; skip the teardown.
    os._exit(0)
