// "Copy as curl" for a logged request, without secrets: the client's credential becomes
// $CODE_PROXY_TOKEN (the shell fills it in), hop-by-hop and length headers are left out.

const SKIP = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
  'expect',
  'accept-encoding',
  'cookie',
  'proxy-connection',
]);
const SECRET = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'anthropic-api-key']);

/** Quotes for a POSIX shell: 'it'\''s'. */
export function shellQuote(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/**
 * @param {any} detail a log detail (/_/api/logs/{id})
 * @param {string} baseUrl where the proxy listens, e.g. http://127.0.0.1:9000
 */
export function toCurl(detail, baseUrl) {
  const e = detail.entry;
  const url = `${baseUrl.replace(/\/$/, '')}${e.path}${e.query ? `?${e.query}` : ''}`;
  const parts = [`curl ${shellQuote(url)}`];
  if (e.method && e.method !== 'GET' && e.method !== 'POST') parts.push(`-X ${e.method}`);
  else if (e.method === 'POST' && !detail.requestBody?.text) parts.push('-X POST');
  if (e.stream) parts.push('-N');
  let sawAuth = false;
  for (const [name, values] of Object.entries(detail.requestHeaders ?? {})) {
    const lower = name.toLowerCase();
    if (SKIP.has(lower)) continue;
    for (const v of values) {
      if (SECRET.has(lower)) {
        if (sawAuth) continue;
        sawAuth = true;
        const value = lower === 'authorization' ? 'Bearer $CODE_PROXY_TOKEN' : '$CODE_PROXY_TOKEN';
        parts.push(`-H "${lower}: ${value}"`);
      } else {
        parts.push(`-H ${shellQuote(`${lower}: ${v}`)}`);
      }
    }
  }
  if (!sawAuth) parts.push('-H "x-api-key: $CODE_PROXY_TOKEN"');
  const body = detail.requestBody;
  if (body?.text) {
    // the body exactly as the client sent it (raw); older servers give only the pretty text:
    // compact that back to one line
    let text = body.raw ?? body.text;
    if (body.kind === 'json' && body.raw == null) {
      try {
        text = JSON.stringify(JSON.parse(text));
      } catch {
        // keep as captured
      }
    }
    parts.push(`--data-binary ${shellQuote(text)}`);
  }
  let out = parts.join(' \\\n  ');
  if (body?.truncated) out = `# note: the captured body was cut at ${body.size} bytes\n${out}`;
  return out;
}
