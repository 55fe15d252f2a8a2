package dev.codeproxy.admin.api.dto;

import java.util.List;

/** {@code /_/api/claude}: Claude Code's settings.json. Key names only, never values. */
public final class ClaudeDtos {
    private ClaudeDtos() {
    }

    /** @param state {@code ours}, {@code changed}, {@code removed} or {@code unknown} */
    public record Key(String key, String state, boolean hadPrevious) {
    }

    /**
     * @param available false when the server runs without the integration (--no-claude-config)
     * @param reason    why it is not available
     * @param problem   why the file cannot be edited, null when it can
     */
    public record Status(boolean available, String reason, boolean applied, String file, boolean fileExists,
                         String problem, List<Key> keys, List<String> setAside, String backup) {
    }

    public record Applied(String file, boolean created, List<String> written, List<String> unchanged,
                          List<String> reverted, List<String> setAside, String backup, boolean changed) {
    }

    public record Restored(String file, boolean wasApplied, List<String> reverted, List<String> keptUser,
                           List<String> putBack, List<String> notPutBack, boolean fileRemoved, boolean fileMissing) {
    }
}
