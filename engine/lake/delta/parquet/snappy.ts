/**
 * Snappy compression (raw format, as Parquet uses it), written for throughput: one preallocated
 * output buffer, a reused hash table, 64 KiB fragments. Same algorithm as the reference
 * implementation's compressor (and snappyjs); hyparquet-writer's generic one was the largest
 * cost of writing a Gold file.
 */
const MAX_HASH_BITS = 14;
const INPUT_MARGIN = 15;
const FRAGMENT = 65536;
const tables: Uint16Array[] = [];

const hash = (key: number, shift: number) => Math.imul(key, 0x1e35a7bd) >>> shift;
const load32 = (a: Uint8Array, p: number) => a[p] | (a[p + 1] << 8) | (a[p + 2] << 16) | (a[p + 3] << 24);

function emitLiteral(input: Uint8Array, ip: number, len: number, out: Uint8Array, op: number): number {
  const n = len - 1;
  if (n < 60) out[op++] = n << 2;
  else if (n < 256) {
    out[op++] = 60 << 2;
    out[op++] = n;
  } else {
    out[op++] = 61 << 2;
    out[op++] = n & 255;
    out[op++] = n >>> 8;
  }
  // Short literals dominate on numeric pages: a plain loop beats creating a subarray per copy.
  if (len < 32) for (let k = 0; k < len; k++) out[op + k] = input[ip + k];
  else out.set(input.subarray(ip, ip + len), op);
  return op + len;
}

function emitCopyUpTo64(out: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    out[op] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    out[op + 1] = offset & 255;
    return op + 2;
  }
  out[op] = 2 | ((len - 1) << 2);
  out[op + 1] = offset & 255;
  out[op + 2] = offset >>> 8;
  return op + 3;
}

function emitCopy(out: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = emitCopyUpTo64(out, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopyUpTo64(out, op, offset, 60);
    len -= 60;
  }
  return emitCopyUpTo64(out, op, offset, len);
}

function fragment(input: Uint8Array, start: number, size: number, out: Uint8Array, op: number): number {
  let bits = 1;
  while (1 << bits <= size && bits <= MAX_HASH_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = (tables[bits] ??= new Uint16Array(1 << bits));
  table.fill(0);
  const end = start + size;
  let ip = start;
  let nextEmit = start;
  if (size >= INPUT_MARGIN) {
    const limit = end - INPUT_MARGIN;
    ip++;
    let nextHash = hash(load32(input, ip), shift);
    outer: for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate: number;
      do {
        ip = nextIp;
        const h = nextHash;
        nextIp = ip + (skip++ >>> 5);
        if (nextIp > limit) break outer;
        nextHash = hash(load32(input, nextIp), shift);
        candidate = start + table[h];
        table[h] = ip - start;
      } while (load32(input, ip) !== load32(input, candidate));
      op = emitLiteral(input, nextEmit, ip - nextEmit, out, op);
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < end && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = emitCopy(out, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= limit) break outer;
        table[hash(load32(input, ip - 1), shift)] = ip - 1 - start;
        const h = hash(load32(input, ip), shift);
        candidate = start + table[h];
        table[h] = ip - start;
      } while (load32(input, ip) === load32(input, candidate));
      ip++;
      nextHash = hash(load32(input, ip), shift);
    }
  }
  if (nextEmit < end) op = emitLiteral(input, nextEmit, end - nextEmit, out, op);
  return op;
}

/**
 * Snappy-compresses `input` (raw format: varint length, then literal/copy elements).
 * @example const packed = snappyCompress(new TextEncoder().encode('aaaaaaaaaaaaaaaaaaaa'));
 */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(32 + input.length + Math.floor(input.length / 6));
  let op = 0;
  let n = input.length;
  while (n >= 0x80) {
    out[op++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[op++] = n;
  for (let p = 0; p < input.length; p += FRAGMENT) op = fragment(input, p, Math.min(FRAGMENT, input.length - p), out, op);
  return out.subarray(0, op);
}
