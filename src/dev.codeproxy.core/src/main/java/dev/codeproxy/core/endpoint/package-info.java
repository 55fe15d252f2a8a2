/**
 * An upstream endpoint and what belongs to it: its auth style, model map, compatibility rules
 * (betas and fields it refuses), the validation rules for its fields, and the check that its base
 * URL does not point back at the proxy. Plain values; used by the store, the proxy, the admin API
 * and the command line.
 */
package dev.codeproxy.core.endpoint;
