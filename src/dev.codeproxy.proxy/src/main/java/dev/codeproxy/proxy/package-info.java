/**
 * The proxy path {@code /v1/*}: client authentication, the attempt loop over endpoints with
 * failover, retries and breakers ({@code Exchange}), the stream relay with its commit point, the
 * per-request trace that builds the record and emits events, and the proxy's bounds. Only
 * {@code ProxyService} and {@code TokenCheck} are meant for other modules (the app wires them),
 * with {@code Admission}, which a client token with limits implements (the admin module's client
 * tokens).
 */
package dev.codeproxy.proxy;
