/**
 * Prometheus text at {@code /observe/metrics}: request, endpoint, log and live counters with
 * endpoint/model/status labels, and the process and JVM families. Internal to the admin module.
 */
package dev.codeproxy.admin.metrics;
