/**
 * Server-sent events framing over raw bytes: finds event boundaries in what arrives from an
 * upstream without decoding it into strings. Used by the proxy's stream relay only.
 */
package dev.codeproxy.core.sse;
