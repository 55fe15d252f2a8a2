/**
 * Usage reports from the aggregate tables the log writer keeps (sessions, models per session,
 * hourly usage): daily, monthly, per session and the 5-hour blocks with burn rate and
 * projection. They outlive pruned log rows. Read by the admin API, the status line and
 * {@code code-proxy usage}.
 */
package dev.codeproxy.store.usage;
