"""delta-rs side of bench/delta.bench.ts; times are measured inside Python (start-up excluded).

  delta_peer.py write_read <argus_table> <out_path>   -> {"rows", "write_s", "read_s", "write_cpu_s", "read_cpu_s"}
  delta_peer.py open <table> <version>                 -> {"latest_s", "version_s"}
"""
import json
import os
import resource
import sys
import time

from deltalake import DeltaTable, write_deltalake


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)  # all threads of the process
    return r.ru_utime + r.ru_stime


def write_read(src, dst):
    # Same rows as Argus wrote: load them (untimed), then time delta-rs writing them (a pyarrow
    # table, i.e. columns, with write_deltalake's defaults: snappy, dictionary pages, statistics).
    data = DeltaTable(src).to_pyarrow_table()
    c0, t0 = cpu(), time.perf_counter()
    write_deltalake(dst, data, partition_by=['trade_date'])
    write_s, write_cpu_s = time.perf_counter() - t0, cpu() - c0
    del data
    c0, t0 = cpu(), time.perf_counter()
    n = DeltaTable(src).to_pyarrow_table().num_rows
    read_s, read_cpu_s = time.perf_counter() - t0, cpu() - c0
    return {'rows': n, 'write_s': write_s, 'read_s': read_s, 'write_cpu_s': write_cpu_s, 'read_cpu_s': read_cpu_s}


def open_(path, version):
    t0 = time.perf_counter()
    len(DeltaTable(path).file_uris())
    latest_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    len(DeltaTable(path, version=int(version)).file_uris())
    return {'latest_s': latest_s, 'version_s': time.perf_counter() - t0}


cmd = sys.argv[1]
print(json.dumps(write_read(sys.argv[2], sys.argv[3]) if cmd == 'write_read' else open_(sys.argv[2], sys.argv[3])))
sys.stdout.flush()
os._exit(0)  # skip a teardown that delta-rs' runtime threads sometimes abort
