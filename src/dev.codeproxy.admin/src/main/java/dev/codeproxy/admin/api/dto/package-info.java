/**
 * The JSON shapes of the admin API and the live feed, as records that JSON-B writes. Exported
 * only because JSON-B reads them reflectively; no other module uses them.
 */
package dev.codeproxy.admin.api.dto;
