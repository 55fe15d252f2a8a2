import { describe, expect, it } from 'vitest';
import { shellQuote, toCurl } from './curl.js';

const BASE = 'http://127.0.0.1:9000/';

function detail(entry, requestHeaders = {}, requestBody = undefined) {
  return { entry: { method: 'POST', path: '/v1/messages', ...entry }, requestHeaders, requestBody };
}

describe('shellQuote', () => {
  it('quotes for a POSIX shell, single quotes included', () => {
    expect(shellQuote('plain')).toBe("'plain'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$HOME `x` "y"')).toBe('\'$HOME `x` "y"\'');
    expect(shellQuote(42)).toBe("'42'");
  });
});

describe('toCurl', () => {
  it('sends the raw body byte for byte when the server gives it', () => {
    const raw = '{"model":"claude","content":"caf\\u00e9 1.0e2 \'quoted\'"}';
    const out = toCurl(detail({}, {}, { kind: 'json', text: '{\n  "model": "claude"\n}', raw }), BASE);
    expect(out.endsWith(`--data-binary ${shellQuote(raw)}`)).toBe(true);
  });

  it('rebuilds a streamed POST with its compacted JSON body', () => {
    const out = toCurl(
      detail(
        { stream: true, query: 'beta=true' },
        { 'Content-Type': ['application/json'], 'anthropic-version': ['2023-06-01'] },
        { kind: 'json', text: '{\n  "model": "claude",\n  "stream": true\n}' },
      ),
      BASE,
    );
    expect(out).toBe(
      [
        "curl 'http://127.0.0.1:9000/v1/messages?beta=true'",
        '-N',
        "-H 'content-type: application/json'",
        "-H 'anthropic-version: 2023-06-01'",
        '-H "x-api-key: $CODE_PROXY_TOKEN"',
        `--data-binary '{"model":"claude","stream":true}'`,
      ].join(' \\\n  '),
    );
  });

  it('never shows a credential: the first one becomes $CODE_PROXY_TOKEN, the others are left out', () => {
    const out = toCurl(
      detail({}, {
        Authorization: ['Bearer sk-ant-secret-1'],
        'x-api-key': ['sk-ant-secret-2'],
        'Proxy-Authorization': ['Basic c2VjcmV0'],
      }),
      BASE,
    );
    expect(out).not.toMatch(/secret|c2VjcmV0/);
    expect(out).toContain('-H "authorization: Bearer $CODE_PROXY_TOKEN"');
    expect(out.match(/CODE_PROXY_TOKEN/g)).toHaveLength(1);
  });

  it('uses the x-api-key form for an x-api-key credential', () => {
    const out = toCurl(detail({}, { 'X-Api-Key': ['sk-ant-secret'] }), BASE);
    expect(out).toContain('-H "x-api-key: $CODE_PROXY_TOKEN"');
    expect(out).not.toContain('sk-ant-secret');
  });

  it('leaves out hop-by-hop, length, encoding and cookie headers', () => {
    const out = toCurl(
      detail({ method: 'GET', path: '/v1/models' }, {
        Host: ['127.0.0.1:9000'],
        'Content-Length': ['12'],
        Connection: ['keep-alive'],
        'Transfer-Encoding': ['chunked'],
        'Accept-Encoding': ['gzip'],
        Cookie: ['session=abc'],
        'user-agent': ['claude-cli/2.0'],
      }),
      'http://localhost:9000',
    );
    expect(out).toBe(
      ["curl 'http://localhost:9000/v1/models'", "-H 'user-agent: claude-cli/2.0'", '-H "x-api-key: $CODE_PROXY_TOKEN"'].join(
        ' \\\n  ',
      ),
    );
  });

  it('says the method when the body does not imply it', () => {
    expect(toCurl(detail({ method: 'DELETE' }), BASE)).toContain(' \\\n  -X DELETE');
    expect(toCurl(detail({ method: 'POST' }), BASE)).toContain(' \\\n  -X POST');
    expect(toCurl(detail({ method: 'POST' }, {}, { kind: 'text', text: 'x' }), BASE)).not.toContain('-X');
    expect(toCurl(detail({ method: 'GET' }), BASE)).not.toContain('-X');
  });

  it('keeps a body that is not valid JSON as captured, quoted for the shell', () => {
    const out = toCurl(detail({}, {}, { kind: 'json', text: "{ it's cut" }), BASE);
    expect(out).toContain("--data-binary '{ it'\\''s cut'");
  });

  it('warns when the captured body was cut', () => {
    const out = toCurl(detail({}, {}, { kind: 'json', text: '{"a":1}', truncated: true, size: 65536 }), BASE);
    expect(out.split('\n')[0]).toBe('# note: the captured body was cut at 65536 bytes');
    expect(out.split('\n')[1]).toMatch(/^curl /);
  });
});
