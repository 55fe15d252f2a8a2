package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.EndpointDtos;
import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.EndpointCompat;
import dev.codeproxy.core.endpoint.EndpointRules;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.endpoint.SelfLoop;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.store.stats.EndpointStats;
import dev.codeproxy.store.stats.StatsRange;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /_/api/endpoints}: list with live state, create, update (an empty {@code apiKey} keeps the
 * stored key), delete, reorder, enable, disable, reset the breaker, and test.
 */
public final class EndpointsResource implements HttpService {
    private final Services s;
    private final EndpointRepository repo;
    private final EndpointTester tester;

    public EndpointsResource(Services services, EndpointTester tester) {
        this.s = services;
        this.repo = services.config().endpointRepository();
        this.tester = tester;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/endpoints", Api.guard(this::list))
                .post("/endpoints", Api.guard(this::create))
                .post("/endpoints/reorder", Api.guard(this::reorder))
                .get("/endpoints/{id}", Api.guard(this::get))
                .put("/endpoints/{id}", Api.guard(this::update))
                .patch("/endpoints/{id}", Api.guard(this::update))
                .delete("/endpoints/{id}", Api.guard(this::delete))
                .post("/endpoints/{id}/enable", Api.guard((req, res) -> enable(req, res, true)))
                .post("/endpoints/{id}/disable", Api.guard((req, res) -> enable(req, res, false)))
                .post("/endpoints/{id}/reset", Api.guard(this::reset))
                .post("/endpoints/{id}/test", Api.guard(this::test));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Api.ok(res, new EndpointDtos.ListView(views(s.config().endpoints())));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Api.ok(res, view(find(req)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonObject body = Api.object(req);
        Endpoint e = validate(body, null);
        Endpoint stored;
        try {
            stored = repo.add(e);
        } catch (RuntimeException ex) {
            throw duplicateOr(ex, e.name());
        }
        changed();
        Api.send(res, 201, view(stored));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Endpoint old = find(req);
        Endpoint e = validate(Api.object(req), old);
        Endpoint stored;
        try {
            stored = repo.update(e).orElseThrow(() -> ApiException.notFound("no endpoint with id " + old.id()));
        } catch (ApiException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw duplicateOr(ex, e.name());
        }
        changed();
        Api.ok(res, view(stored));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Endpoint e = find(req);
        repo.delete(e.id());
        changed();
        Api.noContent(res);
    }

    private void reorder(ServerRequest req, ServerResponse res) {
        JsonObject body = Api.object(req);
        JsonValue v = body.get("ids");
        if (!(v instanceof JsonArray arr)) {
            throw ApiException.invalid("ids", v == null ? "is required; expected an array of endpoint ids in the new order"
                    : "is " + Fields.describe(v) + "; expected an array of endpoint ids in the new order");
        }
        Set<Long> known = new HashSet<>();
        s.config().endpoints().forEach(e -> known.add(e.id()));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonValue x = arr.get(i);
            if (!(x instanceof JsonNumber n) || !n.isIntegral()) {
                throw ApiException.invalid("ids", "[" + i + "] is " + Fields.describe(x) + "; expected an endpoint id");
            }
            long id = n.longValue();
            if (!known.contains(id)) {
                throw ApiException.invalid("ids", "[" + i + "] " + id + " is not the id of an endpoint");
            }
            if (ids.contains(id)) {
                throw ApiException.invalid("ids", "[" + i + "] " + id + " appears more than once");
            }
            ids.add(id);
        }
        List<Endpoint> list = repo.reorder(ids);
        changed();
        Api.ok(res, new EndpointDtos.ListView(views(list)));
    }

    private void enable(ServerRequest req, ServerResponse res, boolean on) {
        Endpoint e = find(req);
        repo.setEnabled(e.id(), on);
        changed();
        Api.ok(res, view(repo.byId(e.id()).orElseThrow()));
    }

    private void reset(ServerRequest req, ServerResponse res) {
        Endpoint e = find(req);
        s.breakers().of(e).reset();
        Api.ok(res, view(e));
    }

    private void test(ServerRequest req, ServerResponse res) {
        Endpoint e = find(req);
        if (SelfLoop.pointsAtProxy(e.baseUrl(), s.server().host(), s.server().port())) {
            throw ApiException.invalid("baseUrl", SelfLoop.message(e.baseUrl(), s.server().port()));
        }
        Api.ok(res, tester.test(e, s.config().settings()));
    }

    private Endpoint find(ServerRequest req) {
        long id = Api.id(req, "endpoint");
        return repo.byId(id).orElseThrow(() -> ApiException.notFound("no endpoint with id " + id));
    }

    /** Reloads the live configuration (which tells live clients, see ControlPlane#configChanged). */
    private void changed() {
        s.config().reload();
    }

    private static ApiException duplicateOr(RuntimeException ex, String name) {
        String m = String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("unique")) {
            return ApiException.invalid("name", "'" + name + "' is already the name of an endpoint; names must be unique");
        }
        throw ex;
    }

    /** Reads a create (base null) or update body over the stored endpoint, checking every field. */
    Endpoint validate(JsonObject body, Endpoint base) {
        Api.Problems p = new Api.Problems();
        Fields f = new Fields(body, "", p);
        Endpoint b = base != null ? base : new Endpoint(0, "", "", true, Integer.MAX_VALUE, 1, "", "",
                AuthStyle.X_API_KEY, Endpoint.DEFAULT_TIMEOUT_MS, ModelMap.EMPTY, false);
        String name = f.string("name");
        if (base == null && !f.has("name")) {
            p.add("name", "is required; expected a non-blank name");
        }
        String baseUrl = f.string("baseUrl");
        if (base == null && !f.has("baseUrl")) {
            p.add("baseUrl", "is required; expected an http:// or https:// URL such as https://api.anthropic.com");
        }
        String note = f.string("note");
        Boolean enabled = f.bool("enabled");
        Long priority = f.integer("priority");
        Long weight = f.integer("weight");
        String apiKey = f.string("apiKey");
        String auth = f.string("authHeader");
        Long timeout = f.integer("timeoutMs");
        Long headersTimeout = f.integer("headersTimeoutMs");
        Boolean quiet = f.bool("disableNonessentialTraffic");
        AuthStyle style = b.authStyle();
        if (auth != null) {
            var parsed = AuthStyle.parse(auth);
            if (parsed.isEmpty()) {
                p.add("authHeader", "'" + Api.clip(auth) + "' is not accepted; expected " + AuthStyle.accepted());
            } else {
                style = parsed.get();
            }
        }
        ModelMap models = b.models();
        JsonObject mo = f.object("models");
        if (mo != null) {
            Fields m = new Fields(mo, "models.", p);
            String d = m.string("default");
            String sf = m.string("smallFast");
            String h = m.string("haiku");
            String so = m.string("sonnet");
            String op = m.string("opus");
            models = new ModelMap(mo.containsKey("default") ? d : models.defaultModel(),
                    mo.containsKey("smallFast") ? sf : models.smallFast(), mo.containsKey("haiku") ? h : models.haiku(),
                    mo.containsKey("sonnet") ? so : models.sonnet(), mo.containsKey("opus") ? op : models.opus());
        }
        EndpointCompat compat = b.compat();
        JsonObject co = f.object("compat");
        if (co != null) {
            Map<String, List<String>> lists = new LinkedHashMap<>(compat.asMap());
            for (var en : co.entrySet()) {
                String field = "compat." + en.getKey();
                if (!EndpointCompat.KEYS.contains(en.getKey())) {
                    p.add(field, "unknown field; accepted fields are "
                            + String.join(", ", EndpointCompat.KEYS));
                    continue;
                }
                if (!(en.getValue() instanceof JsonArray arr)
                        || arr.stream().anyMatch(v -> !(v instanceof JsonString))) {
                    p.add(field, Fields.describe(en.getValue()) + " is not accepted; expected an array of strings");
                    continue;
                }
                lists.put(en.getKey(), arr.getValuesAs(JsonString.class).stream()
                        .map(JsonString::getString).toList());
            }
            compat = EndpointCompat.of(lists);
        }
        int prio = priority == null ? b.priority() : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, priority));
        int wt = weight == null ? b.weight() : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, weight));
        // an empty key keeps the stored one (the list only ever shows it masked)
        String key = apiKey == null || apiKey.isBlank() ? b.apiKey() : apiKey.strip();
        Endpoint e = new Endpoint(b.id(), name == null ? b.name() : name.strip(), note == null ? b.note() : note,
                enabled == null ? b.enabled() : enabled, prio, wt, baseUrl == null ? b.baseUrl() : baseUrl,
                key, style, timeout == null ? b.timeoutMs() : timeout, models,
                quiet == null ? b.disableNonessentialTraffic() : quiet,
                headersTimeout == null ? b.headersTimeoutMs() : headersTimeout, compat);
        if (p.isEmpty()) {
            EndpointRules.check(e).forEach(p::add);
        }
        if (!p.fields().containsKey("name")) {
            for (Endpoint other : s.config().endpoints()) {
                if (other.id() != e.id() && other.name().equalsIgnoreCase(e.name())) {
                    p.add("name", "'" + e.name() + "' is already the name of an endpoint; names must be unique");
                }
            }
        }
        if (!p.fields().containsKey("baseUrl") && pointsAtProxy(e.baseUrl())) {
            p.add("baseUrl", SelfLoop.message(e.baseUrl(), s.server().port()));
        }
        p.throwIfAny("endpoint not saved");
        return e;
    }

    private boolean pointsAtProxy(String url) {
        Settings st = s.config().settings();
        return SelfLoop.pointsAtProxy(url, s.server().host(), s.server().port())
                || SelfLoop.pointsAtProxy(url, st.host(), st.port());
    }

    List<EndpointDtos.View> views(List<Endpoint> endpoints) {
        Map<String, EndpointStats> hour = byName(s.stats().byEndpoint(s.clock().instant().minus(Duration.ofHours(1)),
                Instant.ofEpochMilli(Long.MAX_VALUE)));
        Map<String, EndpointStats> today = byName(s.stats().byEndpoint(StatsRange.TODAY));
        List<EndpointDtos.View> out = new ArrayList<>();
        for (Endpoint e : endpoints) {
            out.add(view(e, hour.get(e.name()), today.get(e.name())));
        }
        return out;
    }

    EndpointDtos.View view(Endpoint e) {
        return views(List.of(e)).getFirst();
    }

    private EndpointDtos.View view(Endpoint e, EndpointStats hour, EndpointStats today) {
        ModelMap m = e.models();
        return new EndpointDtos.View(e.id(), e.name(), e.note(), e.enabled(), e.priority(), e.weight(), e.baseUrl(),
                e.maskedKey(), !e.apiKey().isEmpty(), e.authStyle().wire(), e.timeoutMs(),
                new EndpointDtos.Models(m.defaultModel(), m.smallFast(), m.haiku(), m.sonnet(), m.opus()),
                e.disableNonessentialTraffic(), s.state(e), recent(hour), recent(today), e.headersTimeoutMs(),
                e.compat().asMap(), learned(e));
    }

    /** What the endpoint taught the proxy since it started (flags and fields it refused with a 400). */
    private Map<String, Set<String>> learned(Endpoint e) {
        var proxy = s.proxy().get();
        return proxy == null ? Map.of("betas", Set.of(), "fields", Set.of())
                : proxy.learnedCompat(e.name());
    }

    private static EndpointDtos.Recent recent(EndpointStats st) {
        if (st == null || st.requests() == 0) {
            return EndpointDtos.Recent.NONE;
        }
        return new EndpointDtos.Recent(st.requests(), st.errorRate(), st.total().p50() < 0 ? null : st.total().p50(),
                st.total().p95() < 0 ? null : st.total().p95());
    }

    private static Map<String, EndpointStats> byName(List<EndpointStats> list) {
        Map<String, EndpointStats> m = new HashMap<>();
        list.forEach(x -> m.put(x.endpoint(), x));
        return m;
    }
}
