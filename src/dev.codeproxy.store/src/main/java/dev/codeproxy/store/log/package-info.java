/**
 * The request log: the single writer that batches finished requests into the database off the
 * request path, redaction of secrets in stored headers and bodies, body compression, retention,
 * and the queries behind the Logs page. Fed by the proxy's events; read by the admin API.
 */
package dev.codeproxy.store.log;
