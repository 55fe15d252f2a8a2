package dev.codeproxy.admin;

import dev.codeproxy.admin.api.Api;
import dev.codeproxy.admin.api.ClaudeResource;
import dev.codeproxy.admin.api.ConfigResource;
import dev.codeproxy.admin.api.DoctorResource;
import dev.codeproxy.admin.api.EndpointStates;
import dev.codeproxy.admin.api.EndpointTester;
import dev.codeproxy.admin.api.EndpointsResource;
import dev.codeproxy.admin.api.LogHealthResource;
import dev.codeproxy.admin.api.LogsResource;
import dev.codeproxy.admin.api.PricingResource;
import dev.codeproxy.admin.api.RoutesResource;
import dev.codeproxy.admin.api.Services;
import dev.codeproxy.admin.api.SessionsResource;
import dev.codeproxy.admin.api.SettingsResource;
import dev.codeproxy.admin.api.StatsResource;
import dev.codeproxy.admin.api.StatusResource;
import dev.codeproxy.admin.api.TokensResource;
import dev.codeproxy.admin.api.UsageResource;
import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.admin.live.EventBroker;
import dev.codeproxy.admin.live.LiveSocket;
import dev.codeproxy.admin.metrics.Metrics;
import dev.codeproxy.admin.metrics.MetricsService;
import dev.codeproxy.admin.security.AccessPolicy;
import dev.codeproxy.admin.security.AdminAuth;
import dev.codeproxy.admin.security.HostCheck;
import dev.codeproxy.admin.security.LoginCodes;
import dev.codeproxy.admin.security.LoginLimiter;
import dev.codeproxy.admin.security.LoginService;
import dev.codeproxy.admin.security.SecurityFilter;
import dev.codeproxy.admin.security.SessionStore;
import dev.codeproxy.admin.statusline.StatuslineService;
import dev.codeproxy.admin.tokens.ClientTokens;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.event.Listeners;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.proxy.ProxyService;
import dev.codeproxy.proxy.TokenCheck;
import dev.codeproxy.store.ConfigSnapshot;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.PriceRepository;
import dev.codeproxy.store.TokenRepository;
import dev.codeproxy.store.log.LogQueries;
import dev.codeproxy.store.log.RequestLog;
import dev.codeproxy.store.stats.StatsQueries;
import dev.codeproxy.store.stats.StatsRange;
import dev.codeproxy.store.usage.UsageQueries;
import io.helidon.http.media.MediaSupport;
import io.helidon.http.media.jsonb.JsonbSupport;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.websocket.WsRouting;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The control plane as the app wires it: the admin API, the live channel, login, metrics and the
 * access checks in front of every path. Built before the proxy (the proxy needs its
 * {@link #listener()} and {@link #clientTokens()}), then {@link #attach attached} to it.
 *
 * <p>Wiring, in this order:
 * <pre>{@code
 * ControlPlane cp = new ControlPlane(deps);
 * ProxyService proxy = new ProxyService(config, t -> fixed(t) || cp.clientTokens().valid(t),
 *         Listeners.of(log, cp.listener()), ...);
 * cp.attach(proxy);
 * WebServer.builder().mediaContext(m -> m.addMediaSupport(cp.jsonSupport()))
 *         .routing(r -> { cp.routing(r); r.register(proxy) ... })
 *         .addRouting(cp.websocket())
 * }</pre>
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlPlane.class.getName());

    /**
     * What the control plane needs from the app.
     *
     * @param log        the request log: its live price table prices the metrics and the live feed,
     *                   its queue depth and drops are metrics
     * @param clock      "now", and the zone of days (the request log's zone)
     * @param adminToken the admin token (never logged or returned)
     */
    public record Deps(Database database, ConfigSnapshot config, RequestLog log, Clock clock, String adminToken,
                       ServerControl server) {
        public Deps {
            Objects.requireNonNull(log, "log");
        }

        @Override
        public String toString() {
            return "ControlPlane.Deps[" + database.describe() + "]";
        }
    }

    // in the order they are built
    private final Deps deps;
    private final Jsonb jsonb;
    private final ClientTokens tokens;
    /** What opens /_/statusline: every client token (see {@link #clientTokenCheck}); the stored ones until set. */
    private volatile TokenCheck clientTokenCheck;
    private final Metrics metrics;
    private final EndpointStates states;
    private final EventBroker broker;
    private final UsageQueries usage;
    private final Services services;
    private final AccessPolicy policy;
    private final AdminWorkers workers = new AdminWorkers();
    /** The data plane, handed over by {@link #attach} (it is built after the control plane). */
    private volatile ProxyService proxy;
    private volatile List<Endpoint> lastEndpoints = List.of();

    public ControlPlane(Deps deps) {
        this.deps = deps;
        this.jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(true));
        this.tokens = new ClientTokens(new TokenRepository(deps.database()));
        this.clientTokenCheck = tokens;
        // every cost (metrics, live feed) from the request log's live price table, like the stored rows
        Supplier<PriceTable> prices = deps.log()::prices;
        this.metrics = new Metrics(prices);
        // breakers are the data plane's: read when asked, every endpoint healthy until it is attached
        this.states = new EndpointStates(deps.config(), () -> proxy == null ? null : proxy.breakers());
        StatsQueries stats = new StatsQueries(deps.database(), deps.clock());
        this.broker = new EventBroker(jsonb::toJson, prices, states::all,
                () -> Shared.SummaryView.of(stats.summary(StatsRange.TODAY)));
        this.usage = new UsageQueries(deps.database(), deps.clock());
        this.services = new Services(deps.config(), new LogQueries(deps.database()), stats,
                new PriceRepository(deps.database()), tokens, broker, states, () -> proxy, deps.server(), deps.clock(),
                deps.log()::pricesChanged);
        ServerControl server = deps.server();
        HostCheck hosts = new HostCheck(() -> deps.config().settings().host(), server::host,
                () -> deps.config().settings().allowedHosts(), server::allowedHosts);
        this.policy = new AccessPolicy(hosts, new AdminAuth(deps.adminToken(), new SessionStore(deps.clock(),
                deps.database().dataDir().resolve(SessionStore.FILE)),
                new LoginCodes(deps.clock())), new LoginLimiter(deps.clock()), server::loopback);
    }

    /** What the proxy tells the control plane: live events and metrics. Never blocks. */
    public ProxyListener listener() {
        return Listeners.of(metrics, broker);
    }

    /**
     * The filter that counts every response for {@code /observe/metrics} by route and status
     * (refusals included): register it before any other, ahead of {@link #routing}.
     */
    public Filter responseCounter() {
        return metrics.responses();
    }

    /** The version {@code code_proxy_build_info} reports. */
    /**
     * Names this instance when several share one database: the live feed shows it with each request
     * this instance served (the request log stores it with the row).
     */
    public void instance(String name) {
        broker.instance(name);
    }

    public void buildInfo(String version) {
        metrics.buildInfo(version);
    }

    /** The stored client tokens (valid besides the fixed client token). */
    public TokenCheck clientTokens() {
        return tokens;
    }

    /**
     * The stored configuration changed (through the API, or by another process: the snapshot's
     * watcher): client tokens are reread and live clients get the endpoints' new states. Give it
     * to {@code ConfigSnapshot.onChange}.
     */
    public void configChanged() {
        try {
            tokens.refresh();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not reread the client tokens: " + e.getMessage());
        }
        // the watcher reloads after any commit (request-log writes too): tell clients only of real changes
        List<Endpoint> now = deps.config().endpoints();
        if (!now.equals(lastEndpoints)) {
            lastEndpoints = now;
            broker.endpointsChanged();
        }
    }

    /**
     * Every client token that opens {@code /v1} (the fixed one and the stored ones), for
     * {@code /_/statusline}; until set, only the stored tokens open it.
     */
    public void clientTokenCheck(TokenCheck check) {
        this.clientTokenCheck = check;
    }

    /**
     * Hands over the data plane (breakers, requests in flight); call before the server starts.
     *
     * <p>Why a second step: the proxy is built after the control plane, because it sends every
     * event to the control plane's {@link #listener()} (metrics, live channel) and checks its
     * {@link #clientTokens()}; the control plane in turn reads the proxy's breakers and requests in
     * flight, but only when asked (an API call, a live snapshot, a metrics scrape). Until then every
     * enabled endpoint counts as healthy and nothing is in flight.
     */
    public void attach(ProxyService proxyService) {
        this.proxy = proxyService;
    }

    /** JSON-B for the API's records; add it to the server's media context. */
    public MediaSupport jsonSupport() {
        return JsonbSupport.create(jsonb);
    }

    /**
     * Registers the access filter (first, so it guards every route registered after it), login,
     * the admin API under {@code /_/api} and {@code /observe/metrics}.
     */
    public void routing(HttpRouting.Builder r) {
        r.addFilter(new SecurityFilter(policy));
        // the admin API's handlers (SQLite, native code) run off the carriers that serve requests
        r.addFilter(workers);
        routes(r);
    }

    /**
     * The control plane's routes without the access filter. The admin routes check credentials
     * themselves, so even wired like this nothing opens without the admin token (a test does).
     */
    public void routes(HttpRouting.Builder r) {
        r.register(new LoginService(policy.auth(), policy.limiter()));
        // opened by a client token, checked by the handler (the access policy lets it through)
        r.register(new StatuslineService(usage, t -> clientTokenCheck.valid(t), this::nextEndpoint));
        // the admin routes' own credential check, before any of them: a filter that did not run
        // (or decided on another path) opens nothing
        r.any("/_/api", this::gate);
        r.any("/_/api/*", this::gate);
        r.register("/_/api",
                new SessionsResource(policy.auth(), deps.server()),
                new DoctorResource(services),
                new StatusResource(services),
                new EndpointsResource(services, new EndpointTester()),
                new SettingsResource(services),
                new LogsResource(services),
                new StatsResource(services),
                new PricingResource(services),
                new ConfigResource(services),
                new TokensResource(services),
                new ClaudeResource(services),
                new RoutesResource(services),
                new UsageResource(usage, deps.clock()),
                new LogHealthResource(deps.log()));
        r.any("/_/api", Api.guard((req, res) -> Api.send(res, 404, Shared.Error.of("no admin API route for "
                + req.prologue().method().text() + " " + req.path().path()))));
        r.any("/_/api/*", Api.guard((req, res) -> Api.send(res, 404, Shared.Error.of("no admin API route for "
                + req.prologue().method().text() + " " + req.path().path()))));
        r.register(new MetricsService(metrics, new MetricsService.Gauges(
                () -> proxy == null ? 0 : proxy.inFlight(),
                () -> proxy == null ? 0 : proxy.maxInFlight(),
                broker::clients,
                broker::dropped,
                () -> deps.log().queueDepth(),
                () -> deps.log().dropped(),
                () -> deps.log().written(),
                states::all,
                () -> deps.log().health().failing() ? 1 : 0)));
    }

    /** The first enabled endpoint whose breaker lets requests through, in priority order, or null. */
    private String nextEndpoint() {
        return states.all().stream()
                .filter(e -> e.enabled() && (e.state().equals("healthy") || e.state().equals("half_open")))
                .map(Shared.EndpointState::name)
                .findFirst().orElse(null);
    }

    private void gate(ServerRequest req, ServerResponse res) {
        AccessPolicy.Decision d = policy.verify(req.path().absolute().rawPath(),
                SecurityFilter.routedPath(req.path().absolute()), req.headers());
        if (d.allowed()) {
            res.next();
        } else {
            SecurityFilter.refuse(res, d);
        }
    }

    /**
     * A new single-use login link (valid two minutes) for the banner and the browser. It opens
     * one dashboard session; the admin token itself never leaves the server.
     */
    public String loginLink() {
        return deps.server().url() + "/_/login?code=" + policy.auth().codes().issue();
    }

    /** The live channel {@code /_/ws}; add it to the server with {@code addRouting}. */
    public WsRouting.Builder websocket() {
        return WsRouting.builder().endpoint(LiveSocket.PATH, () -> new LiveSocket(broker, policy));
    }

    /** Dashboards connected to the live channel now. */
    public int liveClients() {
        return broker.clients();
    }

    /** Live messages published since start. */
    public long livePublished() {
        return broker.published();
    }

    /** Live messages dropped for clients that read too slowly, since start. */
    public long liveDropped() {
        return broker.dropped();
    }

    @Override
    public void close() {
        workers.close();
        broker.close();
        tokens.close();
        try {
            jsonb.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing JSON-B: " + e);
        }
    }
}
