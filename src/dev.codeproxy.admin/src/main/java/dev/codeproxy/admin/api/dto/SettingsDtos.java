package dev.codeproxy.admin.api.dto;

import java.util.Map;

/** {@code /_/api/settings}. */
public final class SettingsDtos {
    private SettingsDtos() {
    }

    /**
     * Every setting (numbers as numbers, switches as booleans), its default and what it accepts.
     *
     * @param url     where the proxy listens now (after a host/port change: the new listener)
     * @param rebound the change moved the listener (the old address stops answering)
     */
    public record View(Map<String, Object> settings, Map<String, Object> defaults, Map<String, String> accepted,
                       String url, boolean rebound) {
    }
}
