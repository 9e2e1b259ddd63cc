"""Compare one trading day of two Gold tables with delta-rs (the reference Delta reader).

Usage: python compare_gold.py <clean_table> <faulted_table> <YYYY-MM-DD>
Prints one JSON object: rows of each side, keys lost (in clean, not in faulted), duplicated rows
(faulted rows beyond one per key), value columns that differ, lineage/score differences.

Why these groups: a failover legitimately changes the lineage (close_source says Tushare) and the
quality score of the rows it served, while the numbers must stay the same; last_verified_utc is a
wall-clock stamp and never compared.
"""
import json
import os
import sys

from deltalake import DeltaTable

VOLATILE = {"last_verified_utc"}
LINEAGE = {"close_source", "volume_source", "financials_source", "data_quality_score"}
KEY = ["symbol", "trade_date"]
# miniQMT reports volume in whole lots (x100 shares), Tushare to the share: a row served by the other
# source may differ by less than one lot. Counted apart ("precision"), never hidden.
PRECISION = {"volume": 100}
# A row served by the other source (its lineage differs) may carry that source's number: relative
# tolerance per column, as in the cross-source consistency check.
SOURCE_TOLERANCE = {"volume": 0.01, "turnover": 0.01, "open": 0.005, "high": 0.005, "low": 0.005, "close": 0.005}


def load(path, day):
    dt = DeltaTable(path)
    t = dt.to_pyarrow_table()
    rows = [r for r in t.to_pylist() if str(r["trade_date"]) == day]
    return dt.version(), rows


def norm(v):
    if v is None:
        return None
    try:
        return round(float(v), 6)
    except (TypeError, ValueError):
        return str(v)


def main():
    clean_path, faulted_path, day = sys.argv[1:4]
    cv, clean = load(clean_path, day)
    fv, faulted = load(faulted_path, day)
    key = lambda r: tuple(str(r[k]) for k in KEY)
    ck = {}
    for r in clean:
        ck.setdefault(key(r), r)
    fk = {}
    dup = 0
    for r in faulted:
        if key(r) in fk:
            dup += 1
        else:
            fk[key(r)] = r
    lost = sorted(k[0] for k in ck if k not in fk)
    extra = sorted(k[0] for k in fk if k not in ck)
    cols = sorted(set().union(*(r.keys() for r in clean)) - VOLATILE) if clean else []
    value_diff, lineage_diff, precision_diff, source_diff, flagged_diff = {}, {}, {}, {}, {}
    for k, c in ck.items():
        f = fk.get(k)
        if f is None:
            continue
        for col in cols:
            if norm(c.get(col)) != norm(f.get(col)):
                bucket = lineage_diff if col in LINEAGE else value_diff
                a, b = norm(c.get(col)), norm(f.get(col))
                if col in PRECISION and isinstance(a, float) and isinstance(b, float) and abs(a - b) < PRECISION[col]:
                    bucket = precision_diff
                elif (
                    bucket is value_diff
                    and col in SOURCE_TOLERANCE
                    and c.get(col + "_source", c.get("volume_source" if col in ("volume", "turnover") else "close_source"))
                    != f.get(col + "_source", f.get("volume_source" if col in ("volume", "turnover") else "close_source"))
                    and isinstance(a, float)
                    and isinstance(b, float)
                    and abs(a - b) <= SOURCE_TOLERANCE[col] * max(abs(a), abs(b))
                ):
                    # The other source's own number (its lineage says so), within the cross-source
                    # tolerance; anything further apart is a value difference.
                    bucket = source_diff
                elif bucket is value_diff and c.get("close_source") != f.get("close_source") and norm(c.get("data_quality_score")) is not None and norm(c.get("data_quality_score")) < 100:
                    # Served by the other source, and the clean run had itself flagged this row's
                    # sources as disagreeing (its quality score is below 100): shown apart.
                    bucket = flagged_diff
                bucket[col] = bucket.get(col, 0) + 1
    out = {
        "clean_rows": len(clean),
        "faulted_rows": len(faulted),
        "clean_version": cv,
        "faulted_version": fv,
        "lost": len(lost),
        "lost_sample": lost[:5],
        "extra": len(extra),
        "duplicated": dup,
        "value_diff": value_diff,
        "lineage_diff": lineage_diff,
        "precision_diff": precision_diff,
        "source_diff": source_diff,
        "flagged_diff": flagged_diff,
    }
    out["equal"] = not lost and not extra and dup == 0 and not value_diff and not lineage_diff and not precision_diff and not source_diff and not flagged_diff
    out["values_equal"] = not lost and not extra and dup == 0 and not value_diff
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
    # delta-rs can abort while the interpreter shuts down ("terminate called without an active
    # exception") after the answer is printed: leave at once, like the Delta interop helpers do.
    sys.stdout.flush()
    os._exit(0)
