package dev.codeproxy.core.pricing;

/** Where a model's price came from. */
public enum PriceSource {
    /** A user override (exact id or prefix). */
    OVERRIDE,
    /** The bundled table, matched by model-id prefix. */
    BUNDLED,
    /** The newest bundled price of the family named in the id ({@code opus}, {@code sonnet}, {@code haiku}). */
    FAMILY
}
