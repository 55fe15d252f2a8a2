/**
 * Routes by request kind (the {@code routes} setting): the rules, their parsing with
 * field-by-field errors, and the kinds matched against what the proxy's one body pass noted
 * ({@code RouteKind}). Used by the proxy's route table, the admin API, import/export and the CLI.
 */
package dev.codeproxy.core.routes;
