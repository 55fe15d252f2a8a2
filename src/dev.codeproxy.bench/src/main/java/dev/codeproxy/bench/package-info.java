/**
 * The benchmark behind {@code scripts/bench}: drives the image, nginx and wrk over loopback and
 * prints a Markdown table. Never linked into the image.
 */
package dev.codeproxy.bench;
