package dev.codeproxy.core.routing;

/**
 * What routing may know about a request.
 *
 * @param sessionKey Claude Code's session id (or the metadata user id), null when absent
 */
public record RouteRequest(String sessionKey) {
}
