/**
 * The rules for secrets: which header, query and matrix parameters are credentials by their name
 * and how they are masked wherever a request is stored or shown, plus token generation and
 * constant-time comparison. Any module that stores, shows or checks a credential uses it.
 */
package dev.codeproxy.core.secret;
