/**
 * Which Claude Code session and project a request belongs to: the session header, else the
 * session part of {@code metadata.user_id}, and the working directory of the environment block.
 * Used by the proxy's trace, the request log and the usage reports.
 */
package dev.codeproxy.core.session;
