/**
 * Client tokens: the in-memory set the proxy checks on every request, refreshed from the
 * database, and their last-use times written off the request path.
 */
package dev.codeproxy.admin.tokens;
