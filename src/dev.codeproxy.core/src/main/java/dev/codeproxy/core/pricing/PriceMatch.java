package dev.codeproxy.core.pricing;

/**
 * The price found for one model id.
 *
 * @param rule the override pattern, bundled prefix or family name that matched
 */
public record PriceMatch(ModelPrice price, PriceSource source, String rule) {
}
