package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.EndpointCompat;
import dev.codeproxy.core.wire.Json;

import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-endpoint compatibility at run time: the endpoint's configured {@link EndpointCompat} plus
 * what it taught the proxy. When an endpoint answers 400 {@code invalid_request_error} naming a
 * beta flag the request sent (or a top-level body field), the request is retried once on the same
 * endpoint without it, and the endpoint's next requests leave it out too. What was learned lives
 * as long as the process, like breaker state, and survives configuration reloads (keyed by name).
 */
final class Compat {
    /** Learned beta flags and fields of one endpoint (copy-on-write sets). */
    private record Learned(Set<String> betas, Set<String> fields) {
        static final Learned NONE = new Learned(Set.of(), Set.of());
    }

    /** What to leave out on one attempt. */
    record Plan(Set<String> dropBetas, Set<String> allowBetas, Set<String> dropFields, Set<String> allowFields) {
        boolean dropsBeta(String beta) {
            return dropBetas.contains(beta) || (!allowBetas.isEmpty() && !allowBetas.contains(beta));
        }

        boolean dropsField(String field) {
            return !EndpointCompat.ESSENTIAL.contains(field)
                    && (dropFields.contains(field) || (!allowFields.isEmpty() && !allowFields.contains(field)));
        }

        boolean touchesBody() {
            return !dropFields.isEmpty() || !allowFields.isEmpty();
        }

        /** The anthropic-beta header value without dropped flags; null when none is left. */
        String betaHeader(String value) {
            StringBuilder sb = new StringBuilder();
            for (String b : value.split(",")) {
                String t = b.strip();
                if (!t.isEmpty() && !dropsBeta(t)) {
                    sb.append(sb.isEmpty() ? "" : ",").append(t);
                }
            }
            return sb.isEmpty() ? null : sb.toString();
        }
    }

    private final Map<String, Learned> learned = new ConcurrentHashMap<>();

    /** The plan for an endpoint, or null when nothing is left out (the usual case: no work). */
    Plan plan(Endpoint ep) {
        EndpointCompat c = ep.compat();
        Learned l = learned.isEmpty() ? Learned.NONE : learned.getOrDefault(key(ep), Learned.NONE);
        if (c.isEmpty() && l.betas().isEmpty() && l.fields().isEmpty()) {
            return null;
        }
        return new Plan(union(c.dropBetas(), l.betas()), Set.copyOf(c.allowBetas()), union(c.dropFields(), l.fields()),
                Set.copyOf(c.allowFields()));
    }

    void learnBeta(Endpoint ep, String beta) {
        learned.compute(key(ep), (k, l) -> {
            Learned cur = l == null ? Learned.NONE : l;
            Set<String> s = new HashSet<>(cur.betas());
            s.add(beta);
            return new Learned(Set.copyOf(s), cur.fields());
        });
    }

    void learnField(Endpoint ep, String field) {
        learned.compute(key(ep), (k, l) -> {
            Learned cur = l == null ? Learned.NONE : l;
            Set<String> s = new HashSet<>(cur.fields());
            s.add(field);
            return new Learned(cur.betas(), Set.copyOf(s));
        });
    }

    /** What an endpoint learned, for the admin API: {@code betas} and {@code fields}. */
    Map<String, Set<String>> learned(String endpoint) {
        Learned l = learned.getOrDefault(endpoint.toLowerCase(Locale.ROOT), Learned.NONE);
        return Map.of("betas", l.betas(), "fields", l.fields());
    }

    /**
     * The message of a 400 {@code invalid_request_error} body, or null when the body is not one.
     * Read only on that error path.
     */
    static String invalidRequestMessage(byte[] body) {
        if (body == null || body.length == 0 || body.length > 64 * 1024) {
            return null;
        }
        try (var r = Json.provider().createReader(new ByteArrayInputStream(body))) {
            var o = r.readObject();
            var err = o.getJsonObject("error");
            if (err == null || !"invalid_request_error".equals(err.getString("type", ""))) {
                return null;
            }
            return err.getString("message", null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The first of {@code candidates} the message names as a whole word, or null. */
    static String named(String message, List<String> candidates) {
        if (message == null) {
            return null;
        }
        for (String c : candidates) {
            if (c.isEmpty()) {
                continue;
            }
            int from = 0;
            while (true) {
                int at = message.indexOf(c, from);
                if (at < 0) {
                    break;
                }
                int end = at + c.length();
                if ((at == 0 || !word(message.charAt(at - 1))) && (end == message.length() || !word(message.charAt(end)))) {
                    return c;
                }
                from = at + 1;
            }
        }
        return null;
    }

    private static boolean word(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch == '-';
    }

    private static Set<String> union(List<String> a, Set<String> b) {
        if (b.isEmpty()) {
            return Set.copyOf(a);
        }
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    private static String key(Endpoint ep) {
        return ep.name().toLowerCase(Locale.ROOT);
    }
}
