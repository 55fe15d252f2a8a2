/**
 * The domain every module shares: endpoints and their rules, settings and their keys, model maps,
 * the request-body scan of the proxy path, API errors in the Anthropic envelope, credentials
 * and secrets. Plain values with no I/O and no framework; any module may use it.
 */
package dev.codeproxy.core;
