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

const PATTERNS = [
  { id: 'TUSHARE_TOKEN', re: /(?<![0-9A-Za-z])[0-9a-f]{56}(?![0-9A-Za-z])/g },
  { id: 'QMT_API_KEY', re: /(?:api[_-]?key|x-api-key)["']?\s*[:=]\s*["'`]?([A-Za-z0-9_\-+/.]{16,}={0,2})(?![A-Za-z0-9_\-+/.=])/gi },
  { id: 'QMT_API_KEY', re: /Bearer\s+([A-Za-z0-9_\-+/.]{16,}={0,2})(?![A-Za-z0-9_\-+/.=$])/g },
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
        for (const { id, re } of PATTERNS) {
          for (const m of source.content.matchAll(re)) {
            const token = m[1] ?? m[0];
            if (allows.has(token)) continue;
            const start = m.index + m[0].indexOf(token);
            context.report({ message: t(id, { TOKEN: token }), range: [start, start + token.length] });
          }
        }
      },
    };
  },
};
