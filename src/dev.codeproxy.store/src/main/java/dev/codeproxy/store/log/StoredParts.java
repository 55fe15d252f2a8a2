package dev.codeproxy.store.log;

import dev.codeproxy.store.Query;
import dev.codeproxy.store.Rows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the parts a body layout refers to, decompressed, by id. */
final class StoredParts {
    /** Ids per query (SQLite's default limit of bound parameters is far above). */
    private static final int CHUNK = 500;

    private StoredParts() {
    }

    static Map<Long, byte[]> read(Query db, BodyLayout layout) {
        Set<Long> ids = new LinkedHashSet<>();
        ids.add(layout.envelope());
        layout.entries().forEach(e -> ids.add(e.part()));
        List<Long> all = new ArrayList<>(ids);
        Map<Long, byte[]> out = new HashMap<>(all.size() * 2);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            String sql = "SELECT id, data FROM request_parts WHERE id IN (" + "?,".repeat(chunk.size() - 1) + "?)";
            try (var rows = db.query(sql, chunk.toArray())) {
                rows.forEach(r -> out.put(Rows.lng(r, "id"), BodyCodec.decompress(Rows.bytes(r, "data"))));
            }
        }
        return out;
    }
}
