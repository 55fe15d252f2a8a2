/**
 * Claude Code's status line: {@code GET /_/statusline}, one line of text about the session, today
 * and the active 5-hour block, opened by a client token like {@code /v1}. Used by the control
 * plane's routing only; the image's {@code bin/code-proxy-statusline} launcher calls it.
 */
package dev.codeproxy.admin.statusline;
