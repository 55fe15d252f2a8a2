/**
 * How a failure is told to a person in one line: the first message of an exception's chain and
 * its root cause. Used where a problem becomes a notice or a command's error line (the app's
 * start-up and stop, the Claude Code integration's notices).
 */
package dev.codeproxy.core.errors;
