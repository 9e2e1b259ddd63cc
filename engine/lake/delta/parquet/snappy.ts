/**
 * Snappy compression (raw format, as Parquet uses it) through the `snappy` package (napi-rs
 * binding of the Rust `snap` crate, a prebuilt binary shipped in the npm package).
 *
 * Why native: on Gold pages (8-byte decimals with short matches) our JavaScript port of the
 * reference compressor cost ~0.5 µs of CPU per row (20 columns), the largest cost of a write;
 * the native one ~0.1 µs (CPU time on the same pages, measured once while choosing; the port was
 * removed). delta-rs uses a native compressor too, so the write benchmark compares like with like.
 */
import { compressSync, uncompressSync } from 'snappy';

/**
 * Snappy-compresses `input` (raw format: varint length, then literal/copy elements).
 * @example const packed = snappyCompress(new TextEncoder().encode('aaaaaaaaaaaaaaaaaaaa'));
 */
export function snappyCompress(input: Uint8Array): Uint8Array {
  // The binding takes Buffers; a view over the same memory avoids a copy.
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const out = compressSync(buf);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decompresses a raw snappy block of known uncompressed size (a Parquet page).
 * @example const page = snappyUncompress(snappyCompress(bytes), bytes.length);
 */
export function snappyUncompress(input: Uint8Array, size: number): Uint8Array {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const out = uncompressSync(buf) as Buffer;
  if (out.length !== size) throw new Error(`snappy: page decompressed to ${out.length} bytes, header says ${size}`);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** hyparquet `compressors` option: native snappy for pages it decodes. */
export const COMPRESSORS = { SNAPPY: snappyUncompress };
