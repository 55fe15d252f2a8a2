// The one HTTP client of the dashboard. Every call goes through `request`, and every
// failure goes through `handleError`, so error handling (and later 401 → login, toasts,
// field errors) lives in one place.

/** An API failure with a message fit to show a user. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status HTTP status, or 0 when the server could not be reached
   * @param {unknown} [data] parsed error body, if any
   */
  constructor(message, status, data) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.data = data;
  }
}

/**
 * Turns anything thrown while talking to the server into an ApiError.
 * @param {unknown} err
 * @param {string} path
 * @returns {ApiError}
 */
function handleError(err, path) {
  if (err instanceof ApiError) return err;
  if (err instanceof DOMException && err.name === 'AbortError') {
    return new ApiError(`Request to ${path} was cancelled`, 0);
  }
  return new ApiError(`Cannot reach the proxy (${path}): ${err?.message ?? err}`, 0);
}

/**
 * Reads an error message out of a failed response: the Anthropic error envelope
 * ({"error": {"message": ...}}), a plain {"message": ...}, or the status line.
 * @param {Response} res
 */
async function errorFrom(res) {
  let data;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  const message =
    data?.error?.message ?? data?.message ?? `${res.status} ${res.statusText}`.trim();
  return new ApiError(message, res.status, data);
}

/**
 * Sends a request relative to the page's origin and returns the parsed JSON body
 * (or null for an empty body).
 * @param {string} path absolute path on the proxy, e.g. "/observe/health"
 * @param {RequestInit} [init]
 */
export async function request(path, init = {}) {
  try {
    const res = await fetch(path, {
      credentials: 'same-origin',
      ...init,
      headers: { accept: 'application/json', ...init.headers },
    });
    if (!res.ok) throw await errorFrom(res);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  } catch (err) {
    throw handleError(err, path);
  }
}

/** GET /observe/health: Helidon's health report, e.g. {"status": "UP"}. */
export const health = (init) => request('/observe/health', init);
