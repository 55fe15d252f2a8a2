/**
 * Statistics from the hourly and daily aggregates the log writer keeps: summaries, series,
 * per-model and per-endpoint figures, latency histograms and the year heatmap. They outlive the
 * log's pruned rows. Read by the dashboard's API.
 */
package dev.codeproxy.store.stats;
