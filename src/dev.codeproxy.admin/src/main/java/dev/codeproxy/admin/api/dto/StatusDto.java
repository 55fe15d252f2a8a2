package dev.codeproxy.admin.api.dto;

/**
 * {@code /_/api/status}: the server as the dashboard's header shows it.
 *
 * @param loopback the listener is on a loopback address
 * @param auth     how this request was authenticated: {@code bearer} or {@code cookie}
 */
public record StatusDto(String version, String url, String host, int port, boolean loopback, int inFlight,
                        int liveClients, String auth, long startedAt, long uptimeMs) {
}
