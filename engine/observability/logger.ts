/**
 * Structured logs (pino). Known secret-bearing keys are redacted by path, and every serialized
 * line is scrubbed of registered secret values, so a token cannot leak through an error message.
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { scrub } from './redact.ts';

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stderr, so stdout stays free for data and reports). */
  destination?: NodeJS.WritableStream;
}

const REDACT_PATHS = [
  'token',
  'apiKey',
  'api_key',
  'password',
  'secret',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.password',
  'headers.authorization',
  '*.headers.authorization',
];

export function createLogger(opts: LoggerOptions = {}): Logger {
  const out = opts.destination ?? process.stderr;
  const scrubbing = new Writable({
    write(chunk, _enc, done) {
      out.write(scrub(String(chunk)));
      done();
    },
  });
  return pino(
    { level: opts.level ?? process.env.ARGUS_LOG_LEVEL ?? 'info', redact: REDACT_PATHS },
    scrubbing,
  );
}
