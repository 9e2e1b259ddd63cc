/**
 * secretlint rule for this project's own credential shapes, on top of the recommended preset:
 * - a Tushare Pro token: 56 lowercase hex characters standing alone;
 * - a QMT agent API key written as a literal: `api_key: "..."`, `X-API-Key: ...`,
 *   `Authorization: Bearer ...` with 16+ key characters (a `${secret:...}` / `${env:...}`
 *   reference or a template expression does not match: `$` and `{` are not key characters).
 * Options: `allows: string[]` (exact matched values to accept).
 */
const messages = {
  TUSHARE_TOKEN: { en: (p) => `found a Tushare-style token (56 hex characters): ${p.TOKEN}` },
  QMT_API_KEY: { en: (p) => `found a literal API key (QMT agent key shape): ${p.TOKEN}` },
};

// Key characters; a key must hold at least one digit, which tells it from identifiers such as
// `config.apiKeyFromVault` or `sim.tushareToken` on the right of a ternary `:`.
const KEY = String.raw`(?=[A-Za-z_\-+/.]*\d)[A-Za-z0-9_\-+/.]{16,}={0,2}`;
const NAME = String.raw`(?<![A-Za-z0-9])(?:api[_-]?key|x-api-key)`;

const PATTERNS = [
  { id: 'TUSHARE_TOKEN', re: /(?<![0-9A-Za-z])[0-9a-f]{56}(?![0-9A-Za-z])/g },
  // a quoted literal: api_key: "...", "X-API-Key": '...', apiKey = `...`
  {
    id: 'QMT_API_KEY',
    re: new RegExp(String.raw`${NAME}["']?\s*[:=]\s*(["'\x60])(${KEY})\1`, 'gi'),
    group: 2,
  },
  // an unquoted YAML / env-file value alone on its line: api_key: ... / API_KEY=...
  {
    id: 'QMT_API_KEY',
    re: new RegExp(String.raw`^[ \t-]*${NAME}["']?[ \t]*[:=][ \t]*(${KEY})[ \t]*$`, 'gim'),
    group: 1,
  },
  { id: 'QMT_API_KEY', re: new RegExp(String.raw`Bearer\s+(${KEY})(?![A-Za-z0-9_\-+/.=$])`, 'g'), group: 1 },
];

export const creator = {
  messages,
  meta: {
    id: 'argus/secretlint-rule-argus',
    recommended: true,
    type: 'scanner',
    supportedContentTypes: ['text'],
    docs: { url: 'infra/README.md#secret-hygiene' },
  },
  create(context, options) {
    const t = context.createTranslator(messages);
    const allows = new Set(options?.allows ?? []);
    return {
      file(source) {
        for (const p of PATTERNS) {
          const { id, re } = p;
          for (const m of source.content.matchAll(re)) {
            const token = p.group ? m[p.group] : m[0];
            if (allows.has(token)) continue;
            const start = m.index + m[0].indexOf(token);
            context.report({ message: t(id, { TOKEN: token }), range: [start, start + token.length] });
          }
        }
      },
    };
  },
};
