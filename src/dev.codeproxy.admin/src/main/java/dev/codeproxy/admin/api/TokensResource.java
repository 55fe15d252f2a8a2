package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.TokenDtos;
import dev.codeproxy.store.TokenRepository;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /_/api/tokens}: client tokens for the proxy path besides the fixed one. The list shows
 * them masked; {@code POST} creates one and returns it in full, once (only its hash is stored);
 * {@code DELETE /tokens/{id}} revokes it at once.
 */
public final class TokensResource implements HttpService {
    private final Services s;

    public TokensResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/tokens", Api.guard(this::list))
                .post("/tokens", Api.guard(this::create))
                .delete("/tokens/{id}", Api.guard(this::revoke));
    }

    private TokenRepository repo() {
        return s.tokens().repository();
    }

    private void list(ServerRequest req, ServerResponse res) {
        List<TokenDtos.View> out = new ArrayList<>();
        for (TokenRepository.StoredToken t : repo().list()) {
            out.add(new TokenDtos.View(t.id(), t.name(), t.masked(), t.createdAtEpochMs(),
                    t.lastUsedAtEpochMs() == 0 ? null : t.lastUsedAtEpochMs()));
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
        p.throwIfAny("token not created");
        TokenRepository.Created c = repo().create(name);
        s.tokens().refresh();
        Api.send(res, 201, new TokenDtos.Created(c.stored().id(), c.stored().name(), c.token(), c.stored().masked(),
                c.stored().createdAtEpochMs()));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        long id = Api.id(req, "token");
        if (!repo().revoke(id)) {
            throw ApiException.notFound("no valid token with id " + id);
        }
        s.tokens().refresh();
        Api.noContent(res);
    }
}
