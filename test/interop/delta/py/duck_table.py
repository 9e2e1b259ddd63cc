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
    """Appends rows with INSERT through an attached delta table, one commit per statement.

    DuckDB's delta writer does not retry a commit that lost the race to another writer; like an
    application would, we re-attach (fresh snapshot) and run the statement again.
    """
    import time
    con = duck()
    retries = 0
    for sql in a['statements']:
        for attempt in range(50):
            con.execute(f"ATTACH '{a['path']}' AS t (TYPE delta)")
            try:
                con.execute(f'INSERT INTO t {sql}')
                break
            except Exception as e:  # duckdb.TransactionException: commit conflict
                if 'conflict' not in str(e) or attempt == 49:
                    raise
                retries += 1
                time.sleep(0.01)
            finally:
                con.execute('DETACH t')
    return {'statements': len(a['statements']), 'retries': retries}


main({'scan': scan, 'counts': counts, 'explain': explain, 'insert': insert})
