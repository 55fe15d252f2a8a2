package dev.codeproxy.core.wire;

import dev.codeproxy.core.endpoint.ModelMap;

import java.util.Locale;

/**
 * Chooses the model an endpoint gets. Family by the id containing {@code haiku}, {@code sonnet}
 * or {@code opus}: the endpoint's model for that family (Haiku falls back to the small-fast
 * model); when the family has none, or the id is of no family, the endpoint's default model;
 * when that is empty too, the client's model passes through.
 */
public final class ModelMapper {
    private ModelMapper() {
    }

    public static String map(String model, ModelMap m) {
        if (model == null || m.isEmpty()) {
            return model;
        }
        String id = model.toLowerCase(Locale.ROOT);
        String family = "";
        if (id.contains("haiku")) {
            family = !m.haiku().isEmpty() ? m.haiku() : m.smallFast();
        } else if (id.contains("sonnet")) {
            family = m.sonnet();
        } else if (id.contains("opus")) {
            family = m.opus();
        }
        if (!family.isEmpty()) {
            return family;
        }
        return m.defaultModel().isEmpty() ? model : m.defaultModel();
    }
}
