package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.TokenDtos;
import dev.codeproxy.store.TokenLimits;
import dev.codeproxy.store.TokenMeter;
import dev.codeproxy.store.TokenRepository;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /_/api/tokens}: client tokens for the proxy path besides the fixed one. The list shows
 * them masked, with their limits and what they used (spend against budget this period, requests
 * and tokens this minute); {@code POST} creates one and returns it in full, once (only its hash
 * is stored); {@code PUT /tokens/{id}} replaces its owner and limits (a field absent or null: no
 * limit); {@code DELETE /tokens/{id}} revokes it at once.
 */
public final class TokensResource implements HttpService {
    /** The fields a token's limits are given by, besides {@code name} at creation. */
    static final Set<String> LIMIT_FIELDS = Set.of("owner", "budgetUsd", "period", "rpm", "tpm", "models", "expires");

    private final Services s;

    public TokensResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/tokens", Api.guard(this::list))
                .post("/tokens", Api.guard(this::create))
                .put("/tokens/{id}", Api.guard(this::update))
                .delete("/tokens/{id}", Api.guard(this::revoke));
    }

    private TokenRepository repo() {
        return s.tokens().repository();
    }

    private void list(ServerRequest req, ServerResponse res) {
        List<TokenDtos.View> out = new ArrayList<>();
        for (TokenRepository.StoredToken t : repo().list()) {
            TokenDtos.Usage usage = null;
            if (t.limits().metered()) {
                TokenMeter.Usage u = s.tokens().usage(t);
                usage = new TokenDtos.Usage(usd(u.spentMicros()), u.spentMicros(),
                        t.limits().budgetMicros() > 0 ? t.limits().budgetMicros() : null, u.periodStart().toEpochMilli(),
                        u.periodEnd().toEpochMilli(), u.requests(), u.tokens());
            }
            out.add(new TokenDtos.View(t.id(), t.name(), t.masked(), t.createdAtEpochMs(),
                    t.lastUsedAtEpochMs() == 0 ? null : t.lastUsedAtEpochMs(), t.limits().owner(), view(t.limits()),
                    usage));
        }
        Api.ok(res, new TokenDtos.ListView(out));
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonObject body = Api.object(req);
        Api.Problems p = new Api.Problems();
        String name = new Fields(body, "", p).string("name");
        if (p.isEmpty()) {
            String problem = repo().nameProblem(name);
            if (problem != null) {
                p.add("name", name == null ? "is required; expected a name such as \"laptop\" or \"ci\"" : problem);
            }
        }
        TokenLimits limits = limits(body, p, "name");
        p.throwIfAny("token not created");
        TokenRepository.Created c = repo().create(name, limits);
        s.tokens().refresh();
        Api.send(res, 201, new TokenDtos.Created(c.stored().id(), c.stored().name(), c.token(), c.stored().masked(),
                c.stored().createdAtEpochMs(), c.stored().limits().owner(), view(c.stored().limits())));
    }

    private void update(ServerRequest req, ServerResponse res) {
        long id = Api.id(req, "token");
        if (repo().find(id).isEmpty()) {
            throw ApiException.notFound("no valid token with id " + id);
        }
        JsonObject body = Api.object(req);
        Api.Problems p = new Api.Problems();
        TokenLimits limits = limits(body, p, null);
        p.throwIfAny("token not changed");
        if (!repo().update(id, limits)) {
            throw ApiException.notFound("no valid token with id " + id);
        }
        s.tokens().refresh();
        Api.noContent(res);
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        long id = Api.id(req, "token");
        if (!repo().revoke(id)) {
            throw ApiException.notFound("no valid token with id " + id);
        }
        s.tokens().refresh();
        Api.noContent(res);
    }

    /** Reads the limit fields, each problem to its field; absent or null fields are not limited. */
    private TokenLimits limits(JsonObject body, Api.Problems p, String alsoAccepted) {
        for (String key : body.keySet()) {
            if (!LIMIT_FIELDS.contains(key) && !key.equals(alsoAccepted)) {
                p.add(key, "is not a field of a token; expected " + (alsoAccepted == null ? "" : alsoAccepted + ", ")
                        + "owner, budgetUsd, period, rpm, tpm, models, expires");
            }
        }
        TokenLimits l = TokenLimits.NONE;
        Fields f = new Fields(body, "", p);
        String owner = f.string("owner");
        if (owner != null) {
            l = l.withOwner(check(p, "owner", () -> TokenLimits.checkOwner(owner), ""));
        }
        JsonValue budget = body.get("budgetUsd");
        if (budget != null && budget != JsonValue.NULL) {
            if (budget instanceof JsonNumber n) {
                l = l.withBudget(check(p, "budgetUsd", () -> budget(n), 0L));
            } else {
                p.add("budgetUsd", "is " + Fields.describe(budget) + "; expected a number of dollars such as 25 or 2.50");
            }
        }
        String period = f.string("period");
        if (period != null) {
            l = l.withPeriod(check(p, "period", () -> TokenLimits.Period.parse(period), TokenLimits.Period.MONTH));
        }
        Long rpm = f.integer("rpm");
        if (rpm != null) {
            l = l.withRpm(check(p, "rpm", () -> TokenLimits.checkRpm(rpm), 0L));
        }
        Long tpm = f.integer("tpm");
        if (tpm != null) {
            l = l.withTpm(check(p, "tpm", () -> TokenLimits.checkTpm(tpm), 0L));
        }
        JsonValue models = body.get("models");
        if (models != null && models != JsonValue.NULL) {
            List<String> names = new ArrayList<>();
            if (models instanceof JsonArray a && a.stream().allMatch(v -> v instanceof JsonString)) {
                a.forEach(v -> names.add(((JsonString) v).getString()));
                // an empty list is "every model", as absent
                if (!names.isEmpty()) {
                    l = l.withModels(check(p, "models", () -> TokenLimits.checkModels(names), List.of()));
                }
            } else {
                p.add("models", "is " + Fields.describe(models) + "; expected an array of model names such as "
                        + "[\"claude-sonnet-4-5\", \"claude-haiku-4-5\"]");
            }
        }
        String expires = f.string("expires");
        if (expires != null) {
            LocalDate today = LocalDate.ofInstant(s.tokens().clock().instant(), ZoneOffset.UTC);
            l = l.withExpires(check(p, "expires", () -> TokenLimits.parseExpires(expires, today), null));
        }
        return l;
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T check(Api.Problems p, String field, Parse<T> parse, T fallback) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            p.add(field, e.getMessage());
            return fallback;
        }
    }

    static TokenDtos.Limits view(TokenLimits l) {
        return new TokenDtos.Limits(l.budgetMicros() > 0 ? usd(l.budgetMicros()) : null, l.period().wire(),
                l.rpm() > 0 ? l.rpm() : null, l.tpm() > 0 ? l.tpm() : null, l.models(),
                l.expires() == null ? null : l.expires().toString());
    }

    private static BigDecimal usd(long micros) {
        BigDecimal d = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    private static long budget(JsonNumber n) {
        BigDecimal v;
        try {
            v = n.bigDecimalValue();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("is a number out of any range; expected an amount of dollars greater "
                    + "than 0 and at most " + TokenLimits.MAX_BUDGET_USD);
        }
        return TokenLimits.budgetMicros(v);
    }
}
