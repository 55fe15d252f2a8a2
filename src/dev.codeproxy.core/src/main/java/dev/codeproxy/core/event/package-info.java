/**
 * What the proxy tells the rest of the program: one event per request stage and one
 * {@link dev.codeproxy.core.event.RequestRecord} per finished request, with its attempts. The
 * proxy emits; the request log, the live feed, the metrics and the request lines listen.
 */
package dev.codeproxy.core.event;
