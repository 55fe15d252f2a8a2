// The proxy's settings (GET/PUT /_/api/settings): values, defaults and what each accepts.
import { api } from '../../lib/api.js';
import { resource } from '../../lib/resource.svelte.js';

export function createSettings() {
  const res = resource(() => api.settings());
  return {
    res,
    get values() {
      return res.data?.settings ?? {};
    },
    get defaults() {
      return res.data?.defaults ?? {};
    },
    get accepted() {
      return res.data?.accepted ?? {};
    },
    get url() {
      return res.data?.url ?? '';
    },
    /** Saves some settings; throws the ApiError (with field errors) when refused. */
    async save(changes) {
      const view = await api.saveSettings(changes);
      res.data = view;
      return view;
    },
  };
}

/** Every setting the page edits, by section. `type` picks the control. */
export const SECTIONS = {
  server: [
    { key: 'host', label: 'Listen address', type: 'text', hint: '127.0.0.1 keeps it on this machine; 0.0.0.0 for every interface' },
    { key: 'port', label: 'Port', type: 'number' },
    { key: 'allowedHosts', label: 'Extra allowed Host names', type: 'text', wide: true,
      hint: 'Comma-separated names this server may be reached by (besides its own address), e.g. proxy.example.lan' },
    { key: 'connectTimeoutMs', label: 'Connect timeout', type: 'number', unit: 'ms' },
    { key: 'requestTimeoutMs', label: 'Request deadline', type: 'number', unit: 'ms' },
    { key: 'streamIdleTimeoutMs', label: 'Stream idle timeout', type: 'number', unit: 'ms' },
    { key: 'maxRequestBytes', label: 'Largest request body', type: 'number', unit: 'bytes' },
  ],
  routing: [
    { key: 'routing', label: 'Strategy', type: 'select', wide: true,
      options: [
        ['failover', 'Failover: priority order; keeps the upstream prompt cache warm (default)'],
        ['weighted', 'Weighted: spread requests by weight'],
        ['session', 'Session: weighted, but a Claude Code session sticks to one endpoint'],
      ] },
    { key: 'maxRetries', label: 'Retries per endpoint', type: 'number' },
    { key: 'retryCapMs', label: 'Longest retry wait', type: 'number', unit: 'ms',
      hint: 'Backoff and retry-after are capped at this' },
    { key: 'breakerThreshold', label: 'Breaker opens after', type: 'number', unit: 'failures' },
    { key: 'breakerCooldownMs', label: 'Breaker stays open', type: 'number', unit: 'ms' },
  ],
  retention: [
    { key: 'logRetention', label: 'Requests kept in the log', type: 'number' },
    { key: 'bodyRetention', label: 'Requests whose headers and bodies are kept', type: 'number' },
    { key: 'logMaxBytes', label: 'Largest request log', type: 'number', unit: 'bytes',
      hint: 'The oldest requests go first past this size (default 2 GiB); space goes back in small steps' },
    { key: 'captureMode', label: 'Capture headers and bodies of', type: 'select',
      options: [
        ['all', 'Every request'],
        ['errors', 'Failed requests only'],
        ['none', 'No request'],
      ] },
    { key: 'maxBodyBytes', label: 'Largest captured body', type: 'number', unit: 'bytes' },
  ],
  claude: [
    { key: 'claudeConfig', label: 'Point Claude Code at this proxy when it starts', type: 'bool', wide: true },
    { key: 'claudeApiTimeoutMs', label: 'API_TIMEOUT_MS for Claude Code', type: 'number', unit: 'ms',
      hint: '0 leaves Claude Code’s own timeout' },
    { key: 'claudeDisableNonessentialTraffic', label: 'Disable Claude Code’s non-essential traffic', type: 'bool' },
    { key: 'claudeModel', label: 'ANTHROPIC_MODEL', type: 'text', mono: true, placeholder: 'not set' },
    { key: 'claudeSmallFastModel', label: 'ANTHROPIC_SMALL_FAST_MODEL', type: 'text', mono: true, placeholder: 'not set' },
    { key: 'claudeHaikuModel', label: 'ANTHROPIC_DEFAULT_HAIKU_MODEL', type: 'text', mono: true, placeholder: 'not set' },
    { key: 'claudeSonnetModel', label: 'ANTHROPIC_DEFAULT_SONNET_MODEL', type: 'text', mono: true, placeholder: 'not set' },
    { key: 'claudeOpusModel', label: 'ANTHROPIC_DEFAULT_OPUS_MODEL', type: 'text', mono: true, placeholder: 'not set' },
    { key: 'claudeStatusLine', label: 'Set Claude Code’s status line (endpoint, session and today’s cost)', type: 'bool',
      hint: 'only when you have no statusLine of your own; taken back when the proxy stops', wide: true },
  ],
};
