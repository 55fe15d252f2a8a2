/**
 * The trust boundary: the access policy decided on the routed path, Host and Origin checks,
 * the admin token, single-use login codes and dashboard sessions, and the filter in front of
 * every route. Internal to the admin module.
 */
package dev.codeproxy.admin.security;
