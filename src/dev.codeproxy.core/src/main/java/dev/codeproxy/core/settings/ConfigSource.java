package dev.codeproxy.core.settings;

import dev.codeproxy.core.endpoint.Endpoint;

import java.util.List;

/**
 * The live configuration the data plane reads on every request: an in-memory snapshot, never a
 * database round trip on the hot path.
 */
public interface ConfigSource {
    Settings settings();

    /** Every endpoint in priority order, disabled ones included. */
    List<Endpoint> endpoints();

    /** A fixed configuration, for tests and tools. */
    static ConfigSource of(Settings settings, List<Endpoint> endpoints) {
        return new ConfigSource() {
            @Override
            public Settings settings() {
                return settings;
            }

            @Override
            public List<Endpoint> endpoints() {
                return endpoints;
            }
        };
    }
}
