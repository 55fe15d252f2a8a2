package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.usage.Usage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** A reproducible mix of requests: outcomes, streams, failovers, models (one unpriced), endpoints, times. */
final class Mix {
    static final String[] ENDPOINTS = {"anthropic", "company-gw", "third-party"};
    static final String[][] MODELS = {
            {"claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929"},
            {"claude-opus-4-8", "claude-opus-4-8"},
            {"claude-haiku-4-5-20251001", "claude-haiku-4-5-20251001"},
            {"claude-opus-4-1-20250805", "claude-opus-4-1-20250805"},
            {"claude-sonnet-4-5-20250929", "glm-4.6"}};

    /** Sums the test expects, computed from the records alone. */
    long input;
    long output;
    long cacheWrite5m;
    long cacheWrite1h;
    long cacheRead;
    long cost;
    long unpriced;
    long success;
    long failedOver;
    long clientError;
    long upstreamError;

    List<RequestRecord> records(int n, long firstId, long newestStart, long spanMs, long seed) {
        Random rnd = new Random(seed);
        List<RequestRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Rec r = Rec.of(firstId + i).at(newestStart - (long) (rnd.nextDouble() * spanMs));
            String[] m = MODELS[rnd.nextInt(MODELS.length)];
            r.model(m[0], m[1]);
            r.endpoint(ENDPOINTS[rnd.nextInt(ENDPOINTS.length)]);
            r.stream(rnd.nextInt(4) != 0);
            long total = (long) Math.pow(10, 1 + rnd.nextDouble() * 4.4); // 10 ms .. ~250 s
            r.times(Math.min(total, 20 + rnd.nextInt(300)), r.stream ? Math.min(total, 50 + rnd.nextInt(3000)) : -1, total);
            int kind = rnd.nextInt(100);
            if (kind < 70) {
                r.status(200, null);
            } else if (kind < 80) {
                r.status(200, null);
                String first = ENDPOINTS[(Arrays.asList(ENDPOINTS).indexOf(r.endpoint) + 1) % ENDPOINTS.length];
                r.failedOverFrom(first, rnd.nextBoolean() ? "http_529" : "connect_error", rnd.nextBoolean() ? 529 : 0);
            } else if (kind < 85) {
                r.status(400, "invalid_request_error: bad");
            } else if (kind < 90) {
                r.status(429, "rate_limit_error");
                r.attempts = List.of(new AttemptRecord(1, r.endpoint, r.sentModel, "http_429", 429, 0, 10, 12),
                        new AttemptRecord(2, r.endpoint, r.sentModel, "http_429", 429, 1000, 10, 12));
            } else if (kind < 95) {
                r.status(529, "overloaded_error");
            } else if (kind < 98) {
                r.status(499, "client went away");
                r.attempts = List.of(new AttemptRecord(1, r.endpoint, r.sentModel, "client_closed", 200, 0, 10, 100));
            } else {
                r.status(200, "stream broke after commit");
                r.attempts = List.of(new AttemptRecord(1, r.endpoint, r.sentModel, "stream_error", 200, 0, 10, 100));
            }
            boolean hasUsage = r.status == 200 || rnd.nextInt(5) == 0;
            r.usage = hasUsage ? new Usage(rnd.nextInt(5000), rnd.nextInt(20000), rnd.nextInt(3000), rnd.nextInt(1000),
                    rnd.nextInt(200_000)) : Usage.NONE;
            r.bodies("{\"model\":\"" + r.model + "\",\"n\":" + i + "}", "{\"id\":\"msg_" + i + "\"}");
            RequestRecord rec = r.build();
            out.add(rec);
            input += r.usage.input();
            output += r.usage.output();
            cacheWrite5m += r.usage.cacheWrite5m();
            cacheWrite1h += r.usage.cacheWrite1h();
            cacheRead += r.usage.cacheRead();
            var cost = PriceTable.bundled().cost(r.sentModel, r.usage);
            this.cost += cost.micros();
            unpriced += cost.priced() ? 0 : 1;
            switch (rec.outcomeClass()) {
                case "success" -> success++;
                case "failed_over" -> failedOver++;
                case "client_error" -> clientError++;
                default -> upstreamError++;
            }
        }
        return out;
    }
}
