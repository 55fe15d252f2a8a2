/**
 * Client tokens: the in-memory set the proxy checks on every request, refreshed from the
 * database, and their last-use times written off the request path; the admission of tokens
 * with limits (expiry and models in memory, budget and rates counted in the database by a pool of
 * platform threads of its own, {@code TokenGate}).
 */
package dev.codeproxy.admin.tokens;
