/**
 * The import/export file ({@code code-proxy/1}): parsing with field-by-field errors, writing, and
 * the file's permissions. Used by the admin API's import/export and by the command line.
 */
package dev.codeproxy.core.config;
