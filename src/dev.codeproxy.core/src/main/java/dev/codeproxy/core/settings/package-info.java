/**
 * The proxy's settings: the record, every key with its default, bounds and parsing, the capture
 * and routing modes, and the source the running proxy reads them from. Used by every module that
 * reads or writes configuration.
 */
package dev.codeproxy.core.settings;
