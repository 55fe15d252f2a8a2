package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.RouteDtos;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.routes.Route;
import dev.codeproxy.core.routes.RouteException;
import dev.codeproxy.core.routes.Routes;
import dev.codeproxy.core.settings.SettingKey;
import dev.codeproxy.core.wire.RequestBody;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code /_/api/routes}: the routes setting. {@code GET} lists the rules in order; {@code PUT}
 * with {@code {"routes": [...]}} replaces them (checked field by field, endpoints must exist,
 * nothing stored unless all are accepted; applies to the next request); {@code POST /routes/test}
 * with {@code {"body": <a request body, as JSON or as a string>, "agentHeader": false,
 * "routes": [...]?}} says which rule that request would take (the stored rules, or the given
 * unsaved ones) and what the proxy detected in it.
 */
public final class RoutesResource implements HttpService {
    private final Services s;

    public RoutesResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/routes", Api.guard(this::list))
                .put("/routes", Api.guard(this::replace))
                .post("/routes/test", Api.guard(this::test));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Api.ok(res, RouteDtos.Routes.of(s.config().settings().routes()));
    }

    private void replace(ServerRequest req, ServerResponse res) {
        JsonObject body = Api.object(req);
        Api.Problems p = new Api.Problems();
        for (String k : body.keySet()) {
            if (!k.equals("routes")) {
                p.add(k, "unknown field; expected {\"routes\": [rules]}");
            }
        }
        Routes routes = parse(body.get("routes"), p);
        p.throwIfAny("routes not saved");
        s.config().settingsRepository().putAll(Map.of(SettingKey.ROUTES.key(), routes.json()));
        s.config().reload();
        Api.ok(res, RouteDtos.Routes.of(s.config().settings().routes()));
    }

    private void test(ServerRequest req, ServerResponse res) {
        JsonObject body = Api.object(req);
        Api.Problems p = new Api.Problems();
        JsonValue b = body.get("body");
        byte[] bytes = null;
        if (b instanceof JsonString str) {
            bytes = str.getString().getBytes(StandardCharsets.UTF_8);
        } else if (b instanceof JsonObject o) {
            bytes = o.toString().getBytes(StandardCharsets.UTF_8);
        } else {
            p.add("body", "is " + (b == null ? "missing" : "not a request body")
                    + "; expected a Messages request body (a JSON object, or the pasted text as a string)");
        }
        boolean agent = body.get("agentHeader") == JsonValue.TRUE;
        Routes routes = body.containsKey("routes") ? parse(body.get("routes"), p) : s.config().settings().routes();
        p.throwIfAny("nothing to test");
        if (!new String(bytes, StandardCharsets.UTF_8).strip().startsWith("{")) {
            // the scan yields nothing for text that is not a JSON object: say so rather than answer "default"
            throw ApiException.invalid("body", "is not a JSON object; paste a Messages request body");
        }
        RequestBody info = RequestBody.scan(bytes);
        Route r = routes.match(info, agent);
        int index = r == null ? -1 : routes.rules().indexOf(r);
        Api.ok(res, new RouteDtos.TestResult(r == null ? Routes.DEFAULT : r.match(), index,
                r == null ? List.of() : r.endpoints(), r == null || r.model().isEmpty() ? null : r.model(),
                new RouteDtos.Detected(info.model(), info.thinking(), info.toolCount(), info.webSearch(), info.image(),
                        info.subagent(), info.estimatedInputTokens(), info.maxTokens())));
    }

    /** Rules from the API, checked against the endpoints that exist; problems keyed {@code routes[i].field}. */
    private Routes parse(JsonValue v, Api.Problems p) {
        try {
            return Routes.of(v == null ? JsonValue.NULL : v, "routes", endpointNames());
        } catch (RouteException e) {
            e.problems().forEach(p::add);
            return Routes.NONE;
        }
    }

    private List<String> endpointNames() {
        return s.config().endpoints().stream().map(Endpoint::name).toList();
    }

    /** For the settings API: routes given there are checked the same way. */
    static Routes check(Services s, JsonValue v, Api.Problems p) {
        return new RoutesResource(s).parse(v, p);
    }
}
