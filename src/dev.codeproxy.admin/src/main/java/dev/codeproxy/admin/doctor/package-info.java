/**
 * Doctor checks of one endpoint (DNS, TCP, TLS, whether the key is accepted, the mapped models) and the
 * {@code Check} result the command line, the self-test and the dashboard print the same way.
 */
package dev.codeproxy.admin.doctor;
