package dev.codeproxy.app;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The dashboard never slows the proxy (issue 11, item 7): admin API calls waiting in SQLite do not
 * hold the carrier threads that serve proxied requests.
 *
 * <p>Another connection holds the database's write lock, so admin writes wait in SQLite's busy
 * timeout, which sleeps inside native code. With more of them waiting than there are carriers, a
 * proxied request used to wait until the lock went away: every carrier sat in a native sleep. Now
 * the admin handlers run on worker threads of their own and the proxied request is answered while
 * the lock is still held.
 */
class AdminOffCarrierTest extends AdminServerTest {

    @Test
    void adminCallsWaitingOnTheDatabaseLeaveTheProxyFree() throws Exception {
        addEndpoint("up", upstream.baseUrl());
        assertEquals(200, proxy(MESSAGE).status(), "warm: the endpoint answers");
        int waiting = Runtime.getRuntime().availableProcessors() + 2; // more than the carriers
        List<CompletableFuture<HttpResponse<String>>> admin = new ArrayList<>();
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("code-proxy.db"));
             Statement s = lock.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            for (int i = 0; i < waiting; i++) {
                admin.add(http.sendAsync(request("PATCH", "/_/api/settings", "{\"maxRetries\":" + (i % 3) + "}")
                        .header("authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString()));
            }
            // time for the admin calls to reach SQLite's busy wait; had they not, the proxied request
            // would pass without them: the pause can only make the test weaker, never flaky
            Thread.sleep(1000);
            HttpResponse<String> proxied = http.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/v1/messages"))
                    .timeout(Duration.ofSeconds(8)).header("x-api-key", CLIENT).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(MESSAGE)).build(), HttpResponse.BodyHandlers.ofString())
                    .get(8, TimeUnit.SECONDS);
            assertEquals(200, proxied.statusCode(), proxied.body());
            for (CompletableFuture<HttpResponse<String>> f : admin) {
                assertFalse(f.isDone(), "the admin calls are still waiting for the lock when the proxy answers");
            }
            s.execute("ROLLBACK");
        }
        for (CompletableFuture<HttpResponse<String>> f : admin) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), "each waiting admin call completes once the lock is gone: " + r.body());
        }
        assertEquals(200, get("/_/api/settings").status());
    }
}
