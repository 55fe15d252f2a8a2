/**
 * The live feed {@code /_/ws}: the event broker that fans the proxy's events out to dashboards,
 * drops and resyncs slow ones, and the WebSocket endpoint. Internal to the admin module.
 */
package dev.codeproxy.admin.live;
