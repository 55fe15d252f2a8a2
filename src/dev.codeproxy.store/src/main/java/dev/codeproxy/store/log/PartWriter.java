package dev.codeproxy.store.log;


import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer thread's side of request parts: inside the batch's transaction, each distinct part
 * of the batch is stored once or has its reference count raised (one statement per part and
 * batch), and each body's layout is written with the parts' ids. When requests' details are
 * pruned, the counts of the parts they held go down and parts left with none are deleted, in the
 * same transaction: a part lives exactly as long as a stored body refers to it.
 */
final class PartWriter {
    private static final String UPSERT = "INSERT INTO request_parts(hash, size, refs, data) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT(hash) DO UPDATE SET refs = refs + excluded.refs RETURNING id";
    private static final String ADD_REFS = "UPDATE request_parts SET refs = refs + ? WHERE hash = ? RETURNING id";
    private static final String SUB_REFS = "UPDATE request_parts SET refs = refs - ? WHERE id = ?";
    private static final String COLLECT = "DELETE FROM request_parts WHERE id = ? AND refs <= 0";

    private final MessageDigest sha = PartPreparer.sha256();
    private final BodyCodec codec = new BodyCodec(BodyCodec.PART_LEVEL);
    /** Parts the writer had to redact and compress itself (remembered by the preparer, collected since). */
    long restored;

    private static final class Agg {
        final PartPreparer.Part first;
        byte[] data;
        int size;
        int refs;
        long id;

        Agg(PartPreparer.Part p) {
            first = p;
            data = p.data();
            size = p.size();
        }
    }

    private record Key(ByteBuffer hash) {
    }

    /** Stores the batch's parts and sets each body's layout ({@link LogRow#requestLayout}). */
    void store(Statements st, List<LogRow> rows) throws SQLException {
        Map<Key, Agg> parts = new LinkedHashMap<>();
        for (LogRow r : rows) {
            PartPreparer.Prepared p = r.detail == null ? null : r.detail.requestParts();
            if (p == null) {
                continue;
            }
            add(parts, p.envelope());
            for (PartPreparer.Placed pl : p.parts()) {
                add(parts, pl.part());
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        PreparedStatement upsert = st.upsert(UPSERT);
        PreparedStatement addRefs = st.get(ADD_REFS);
        for (Agg a : parts.values()) {
            if (a.data == null) {
                addRefs.setInt(1, a.refs);
                addRefs.setBytes(2, a.first.hash());
                try (ResultSet rs = addRefs.executeQuery()) {
                    if (rs.next()) {
                        a.id = rs.getLong(1);
                        continue;
                    }
                }
                // collected since the preparer saw it: store it again
                PartPreparer.Part f = a.first;
                PartPreparer.Stored s = PartPreparer.store(f.source(), f.from(), f.to(), f.redactor(), codec, sha, null);
                a.data = s.data();
                a.size = s.bytes().length;
                restored++;
            }
            upsert.setBytes(1, a.first.hash());
            upsert.setInt(2, a.size);
            upsert.setInt(3, a.refs);
            upsert.setBytes(4, a.data);
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                a.id = rs.getLong(1);
            }
        }
        for (LogRow r : rows) {
            PartPreparer.Prepared p = r.detail == null ? null : r.detail.requestParts();
            if (p == null) {
                continue;
            }
            List<BodyLayout.Entry> entries = new ArrayList<>(p.parts().size());
            for (PartPreparer.Placed pl : p.parts()) {
                entries.add(new BodyLayout.Entry(pl.kind(), parts.get(key(pl.part())).id, pl.gap()));
            }
            r.requestLayout = new BodyLayout(parts.get(key(p.envelope())).id, entries).encode();
        }
    }

    private static void add(Map<Key, Agg> parts, PartPreparer.Part p) {
        Agg a = parts.computeIfAbsent(key(p), k -> new Agg(p));
        if (a.data == null && p.data() != null) {
            a.data = p.data();
            a.size = p.size();
        }
        a.refs++;
    }

    private static Key key(PartPreparer.Part p) {
        return new Key(ByteBuffer.wrap(p.hash()));
    }

    /**
     * Before request_bodies rows go: lowers the counts of the parts their layouts hold and
     * deletes the parts no body refers to any more. {@code where} selects the rows
     * ({@code request_id <= ?} with {@code upTo}).
     */
    static void release(Statements st, String where, long upTo) throws SQLException {
        Map<Long, Integer> refs = new HashMap<>();
        PreparedStatement p = st.get("SELECT request_layout FROM request_bodies WHERE " + where
                + " AND request_layout IS NOT NULL");
        p.setLong(1, upTo);
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                BodyLayout.decode(rs.getBytes(1)).countRefs(refs);
            }
        }
        if (refs.isEmpty()) {
            return;
        }
        PreparedStatement sub = st.get(SUB_REFS);
        PreparedStatement collect = st.get(COLLECT);
        for (Map.Entry<Long, Integer> e : refs.entrySet()) {
            sub.setInt(1, e.getValue());
            sub.setLong(2, e.getKey());
            sub.addBatch();
            collect.setLong(1, e.getKey());
            collect.addBatch();
        }
        sub.executeBatch();
        collect.executeBatch();
    }

    void close() {
        codec.close();
    }
}
