"""Writes Delta tables with delta-rs (write_deltalake) from JSON-described steps."""
import datetime
import decimal
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake, CommitProperties, Transaction
from common import main

TYPES = {
    'string': pa.string(), 'long': pa.int64(), 'integer': pa.int32(), 'double': pa.float64(), 'boolean': pa.bool_(),
    'date': pa.date32(), 'timestamp': pa.timestamp('us', tz='UTC'), 'timestamp_ntz': pa.timestamp('us'),
}


def arrow_type(t):
    if t.startswith('decimal('):
        p, s = t[8:-1].split(',')
        return pa.decimal128(int(p), int(s))
    return TYPES[t]


def value(v, t):
    if v is None:
        return None
    if t == 'date':
        return datetime.date.fromisoformat(v)
    if t.startswith('timestamp'):
        d = datetime.datetime.fromisoformat(v.replace('Z', '+00:00'))
        return d.replace(tzinfo=None) if t == 'timestamp_ntz' else d
    if t.startswith('decimal('):
        return decimal.Decimal(v)
    return v


def table(columns, rows):
    schema = pa.schema([pa.field(c['name'], arrow_type(c['type']), nullable=c.get('nullable', True)) for c in columns])
    data = {c['name']: [value(r.get(c['name']), c['type']) for r in rows] for c in columns}
    return pa.table(data, schema=schema)


def write(a):
    """Steps: {mode: append|overwrite, columns, rows, partitionBy?, predicate?, schemaMode?, txn?: [appId, v], properties?}."""
    versions = []
    for s in a['steps']:
        kw = {}
        if s.get('partitionBy'):
            kw['partition_by'] = s['partitionBy']
        if s.get('predicate'):
            kw['predicate'] = s['predicate']
        if s.get('schemaMode'):
            kw['schema_mode'] = s['schemaMode']
        if s.get('properties'):
            kw['configuration'] = s['properties']
        if s.get('txn'):
            kw['commit_properties'] = CommitProperties(app_transactions=[Transaction(app_id=s['txn'][0], version=s['txn'][1])])
        write_deltalake(a['path'], table(s['columns'], s['rows']), mode=s['mode'], **kw)
        if s.get('checkpoint'):
            DeltaTable(a['path']).create_checkpoint()
        versions.append(DeltaTable(a['path']).version())
    return versions


main({'write': write})
