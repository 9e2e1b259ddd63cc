/**
 * Kafka's default key → partition mapping (Java client and kafkajs `DefaultPartitioner`):
 * `toPositive(murmur2(utf8(key))) % partitions`. The embedded bus uses it too, so a key lands in
 * the same partition whichever bus runs a pipeline.
 *
 * @example
 * partitionFor('600519.SH', 6); // same number kafkajs picks for this key
 */

/** murmur2 as in org.apache.kafka.common.utils.Utils#murmur2 (seed 0x9747b28c). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4] & 0xff) |
      ((data[i4 + 1] & 0xff) << 8) |
      ((data[i4 + 2] & 0xff) << 16) |
      ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length & 3;
  const base = length & ~3;
  if (rest === 3) h ^= (data[base + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[base + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[base] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

let roundRobin = 0;

/** The partition of `key` among `partitions`; null keys spread round-robin. */
export function partitionFor(key: string | null, partitions: number): number {
  if (key === null) return roundRobin++ % partitions;
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
