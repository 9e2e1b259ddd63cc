/**
 * Replays recorded response fixtures over HTTP so the real clients parse exactly those bytes.
 * `serve(next)` answers every request with `next(req)` and records what was asked.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Canned {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (serialised as is, key order preserved) or raw text. */
  body?: unknown;
  text?: string;
}

export async function serve(next: (req: IncomingMessage, body: string) => Canned): Promise<{
  url: string;
  requests: { url: string; body: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}> {
  const requests: { url: string; body: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ url: req.url ?? '', body, headers: req.headers });
      const c = next(req, body);
      const text = c.text ?? JSON.stringify(c.body);
      res.writeHead(c.status, {
        'content-type': 'application/json',
        ...c.headers,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** The shape of a JSON value: key names in order, value types, recursively (first array item). */
export function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return v === null ? 'null' : typeof v;
}

/** Key names in order, recursively, as one string (order-sensitive comparison). */
export function keyOrder(v: unknown): string {
  if (Array.isArray(v)) return v.length ? `[${keyOrder(v[0])}]` : '[]';
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}:${keyOrder(x)}`)
      .join(',')}}`;
  return '';
}
