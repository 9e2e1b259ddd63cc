"""Reads a Delta table with delta-rs (deltalake) and reports what it sees, as JSON."""
import datetime
import pyarrow as pa
from deltalake import DeltaTable
from common import main, rows_of, canon


def load(a):
    if 'datetime' in a:
        t = DeltaTable(a['path'])
        t.load_as_version(datetime.datetime.fromisoformat(a['datetime'].replace('Z', '+00:00')))
        return t
    if 'version' in a:
        return DeltaTable(a['path'], version=a['version'])
    return DeltaTable(a['path'])


def read(a):
    t = load(a)
    tbl = t.to_pyarrow_table(filters=a.get('filters')) if a.get('filters') else t.to_pyarrow_table()
    p = t.protocol()
    return {
        'version': t.version(),
        'protocol': [p.min_reader_version, p.min_writer_version],
        'types': {f.name: str(f.type) for f in tbl.schema},
        'rows': rows_of(tbl),
    }


def versions(a):
    """Row counts at every version via DeltaTable(version=) and load_as_version()."""
    out = []
    for v in range(a['from'], a['to'] + 1):
        n1 = DeltaTable(a['path'], version=v).to_pyarrow_table().num_rows
        if a.get('quick'):
            out.append({'version': v, 'count': n1})
            continue
        t = DeltaTable(a['path'])
        t.load_as_version(v)
        out.append({'version': v, 'count': n1, 'count2': t.to_pyarrow_table().num_rows})
    return out


def rows_at_versions(a):
    return [{'version': v, 'rows': rows_of(DeltaTable(a['path'], version=v).to_pyarrow_table())} for v in a['versions']]


def history(a):
    t = DeltaTable(a['path'])
    return [{'version': h.get('version'), 'operation': h.get('operation')} for h in t.history()]


def txn(a):
    return DeltaTable(a['path']).transaction_version(a['appId'])


def version_at(a):
    t = DeltaTable(a['path'])
    t.load_as_version(datetime.datetime.fromisoformat(a['datetime'].replace('Z', '+00:00')))
    return t.version()


def adds(a):
    t = DeltaTable(a['path'])
    return [{k: canon(v) for k, v in r.items()} for r in pa.table(t.get_add_actions(flatten=True)).to_pylist()]


main({'read': read, 'versions': versions, 'rows_at_versions': rows_at_versions, 'history': history, 'txn': txn, 'version_at': version_at, 'adds': adds})
