"""Reads (and appends to) a Delta table with DuckDB and its delta extension, as JSON."""
from common import main, duck, duck_rows


def scan(a):
    con = duck()
    if 'version' in a:
        con.execute(f"ATTACH '{a['path']}' AS t (TYPE delta)")
        src = f"t AT (VERSION => {int(a['version'])})"
    else:
        src = f"delta_scan('{a['path']}')"
    where = f" WHERE {a['where']}" if a.get('where') else ''
    return duck_rows(con, f'SELECT * FROM {src}{where}')


def counts(a):
    con = duck()
    con.execute(f"ATTACH '{a['path']}' AS t (TYPE delta)")
    return [con.sql(f'SELECT count(*) FROM t AT (VERSION => {v})').fetchone()[0] for v in a['versions']]


def explain(a):
    """EXPLAIN ANALYZE text of a filtered scan (shows 'Scanning Files: k/n' when files are skipped)."""
    con = duck()
    return '\n'.join(r[1] for r in con.sql(f"EXPLAIN ANALYZE SELECT * FROM delta_scan('{a['path']}') WHERE {a['where']}").fetchall())


def insert(a):
    """Appends rows with INSERT through an attached delta table, one commit per statement."""
    con = duck()
    con.execute(f"ATTACH '{a['path']}' AS t (TYPE delta)")
    for sql in a['statements']:
        con.execute(f'INSERT INTO t {sql}')
    return len(a['statements'])


main({'scan': scan, 'counts': counts, 'explain': explain, 'insert': insert})
