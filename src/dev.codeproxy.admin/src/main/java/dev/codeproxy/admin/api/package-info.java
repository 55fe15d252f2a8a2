/**
 * The admin REST API under {@code /_/api}: one resource per subject (endpoints, settings, logs,
 * statistics, prices, tokens, import/export, Claude Code, sessions, doctor), with field-by-field
 * errors. Internal to the admin module.
 */
package dev.codeproxy.admin.api;
