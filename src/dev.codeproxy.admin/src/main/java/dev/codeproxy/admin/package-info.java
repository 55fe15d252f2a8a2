/**
 * The control plane: wires the admin API, the dashboard's files, the live socket and the metrics
 * onto the server's routing, and runs the admin handlers off the proxy's carrier threads. The
 * application constructs {@code ControlPlane}; nothing else uses this module's internals.
 */
package dev.codeproxy.admin;
