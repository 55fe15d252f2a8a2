package dev.codeproxy.core.pricing;

import dev.codeproxy.core.usage.Usage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Prices model ids. Lookup order: an exact override, the longest prefix override, the longest
 * bundled prefix (at a version boundary: {@code claude-opus-4} matches
 * {@code claude-opus-4-20250514} but not {@code claude-opus-4-8}), the newest price of the family
 * named in the id, else unpriced. Immutable; {@link #withOverrides} makes a new table.
 */
public final class PriceTable {
    private static final PriceTable BUNDLED = new PriceTable(List.of());

    private final List<PriceOverride> overrides;
    private final List<PriceOverride> exact;
    private final List<PriceOverride> prefixes;
    private final List<BundledPrices.Entry> bundled;

    private PriceTable(Collection<PriceOverride> overrides) {
        this.overrides = List.copyOf(overrides);
        this.exact = this.overrides.stream().filter(o -> !o.isPrefix()).toList();
        this.prefixes = this.overrides.stream().filter(PriceOverride::isPrefix)
                .sorted(Comparator.comparingInt((PriceOverride o) -> o.stem().length()).reversed()).toList();
        List<BundledPrices.Entry> b = new ArrayList<>(BundledPrices.ENTRIES);
        b.sort(Comparator.comparingInt((BundledPrices.Entry e) -> e.prefix().length()).reversed());
        this.bundled = List.copyOf(b);
    }

    /** The bundled table alone. */
    public static PriceTable bundled() {
        return BUNDLED;
    }

    /** The bundled table with these overrides on top (replacing any earlier overrides). */
    public PriceTable withOverrides(Collection<PriceOverride> overrides) {
        return overrides.isEmpty() ? BUNDLED : new PriceTable(overrides);
    }

    public List<PriceOverride> overrides() {
        return overrides;
    }

    /** The price of a model id, or empty when it is unpriced. */
    public Optional<PriceMatch> find(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        String id = model.strip().toLowerCase(Locale.ROOT);
        for (PriceOverride o : exact) {
            if (o.matches(id)) {
                return Optional.of(new PriceMatch(o.price(), PriceSource.OVERRIDE, o.pattern()));
            }
        }
        for (PriceOverride o : prefixes) {
            if (o.matches(id)) {
                return Optional.of(new PriceMatch(o.price(), PriceSource.OVERRIDE, o.pattern()));
            }
        }
        String claudeId = claudePart(id);
        for (BundledPrices.Entry e : bundled) {
            if (matchesAtBoundary(claudeId, e.prefix())) {
                return Optional.of(new PriceMatch(e.price(), PriceSource.BUNDLED, e.prefix()));
            }
        }
        for (String family : BundledPrices.FAMILIES) {
            if (id.contains(family)) {
                return Optional.of(new PriceMatch(BundledPrices.FAMILY_NEWEST.get(family), PriceSource.FAMILY, family));
            }
        }
        return Optional.empty();
    }

    /** The cost of {@code usage} on {@code model}; {@link Cost#UNPRICED} when the model has no price. */
    public Cost cost(String model, Usage usage) {
        Optional<PriceMatch> m = find(model);
        if (m.isEmpty()) {
            return Cost.UNPRICED;
        }
        return new Cost(m.get().price().costMicros(usage == null ? Usage.NONE : usage), true);
    }

    /**
     * Cloud-provider ids carry a prefix ({@code anthropic.claude-sonnet-4-5-20250929-v1:0},
     * {@code us.anthropic.claude-...}): match the bundled rows from {@code claude-} on.
     */
    private static String claudePart(String id) {
        int at = id.indexOf("claude-");
        return at > 0 ? id.substring(at) : id;
    }

    /**
     * True when {@code id} is {@code prefix} or continues it with something other than a further
     * version number: a date ({@code -20250514}), a tag ({@code -latest}, {@code -v1:0},
     * {@code @20250929}, {@code [1m]}). A short all-digit segment ({@code -8}) is a newer minor
     * version, which this row does not price.
     */
    static boolean matchesAtBoundary(String id, String prefix) {
        if (!id.startsWith(prefix)) {
            return false;
        }
        if (id.length() == prefix.length()) {
            return true;
        }
        char next = id.charAt(prefix.length());
        if (Character.isLetterOrDigit(next) || next == '.') {
            return false;
        }
        if (next != '-') {
            return true;
        }
        int start = prefix.length() + 1;
        int end = start;
        while (end < id.length() && Character.isLetterOrDigit(id.charAt(end))) {
            end++;
        }
        String segment = id.substring(start, end);
        boolean minorVersion = !segment.isEmpty() && segment.length() <= 2 && segment.chars().allMatch(Character::isDigit);
        return !minorVersion;
    }
}
