/**
 * Token usage read from Messages API answers, JSON or SSE, in one streaming pass. Used by the
 * proxy (to record what each request used) and by the log and statistics that sum it.
 */
package dev.codeproxy.core.usage;
