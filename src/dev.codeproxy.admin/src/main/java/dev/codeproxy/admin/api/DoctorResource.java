package dev.codeproxy.admin.api;

import dev.codeproxy.admin.doctor.Check;
import dev.codeproxy.admin.doctor.EndpointDoctor;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.SelfLoop;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The doctor and the self-test in the dashboard:
 * <ul>
 *   <li>{@code POST /endpoints/{id}/doctor}: the doctor's checks of one endpoint (DNS, TCP, TLS,
 *       key, mapped models, time to headers; nothing that costs tokens) as
 *       {@code {"checks":[{"name","ok","detail","hint"}]}}.</li>
 *   <li>{@code POST /selftest}: the self-test, streamed as it runs: one JSON check per line
 *       ({@code application/x-ndjson}). One run at a time (409 while one runs).</li>
 * </ul>
 */
public final class DoctorResource implements HttpService {
    private final Services s;
    private final Semaphore selftest = new Semaphore(1);

    public DoctorResource(Services services) {
        this.s = services;
    }

    /** The checks of an endpoint, as JSON-B writes them. */
    public record Checks(List<Check> checks) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/endpoints/{id}/doctor", Api.guard(this::doctor))
                .post("/selftest", Api.guard(this::selftest));
    }

    private void doctor(ServerRequest req, ServerResponse res) {
        long id = Api.id(req, "endpoint");
        Endpoint e = s.config().endpoints().stream().filter(x -> x.id() == id).findFirst()
                .orElseThrow(() -> ApiException.notFound("no endpoint with id " + id));
        if (SelfLoop.pointsAtProxy(e.baseUrl(), s.server().host(), s.server().port())) {
            throw ApiException.invalid("baseUrl", SelfLoop.message(e.baseUrl(), s.server().port()));
        }
        EndpointDoctor d = new EndpointDoctor(Duration.ofMillis(s.config().settings().connectTimeoutMs()),
                Duration.ofSeconds(30));
        Api.ok(res, new Checks(d.run(e, false)));
    }

    private void selftest(ServerRequest req, ServerResponse res) {
        if (!selftest.tryAcquire()) {
            throw new ApiException(409, "a self-test is running already; wait for it to finish", Map.of());
        }
        try {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            try (OutputStream out = res.outputStream()) {
                s.server().selftest(c -> {
                    try {
                        out.write((c.json() + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } finally {
            selftest.release();
        }
    }
}
