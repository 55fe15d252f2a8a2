/**
 * The SQLite database in the data directory: opening and migrating it, the repositories of
 * endpoints, settings, prices and client tokens, the live configuration snapshot and its watcher,
 * the data directory's files and the one-server-per-directory lock. Used by the admin API and
 * the application; the proxy never touches it.
 */
package dev.codeproxy.store;
