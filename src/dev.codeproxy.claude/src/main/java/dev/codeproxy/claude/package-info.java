/**
 * Claude Code's {@code settings.json}: pointing it at the proxy, restoring it byte for byte, the
 * ledger of what the proxy changed, and the claim that lets one instance at a time own it. Used
 * by the application's {@code serve} and {@code claude} commands and the admin API.
 */
package dev.codeproxy.claude;
