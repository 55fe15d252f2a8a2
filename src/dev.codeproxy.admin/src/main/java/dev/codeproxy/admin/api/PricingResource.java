package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.PricingDtos;
import dev.codeproxy.core.pricing.BundledPrices;
import dev.codeproxy.core.pricing.ModelPrice;
import dev.codeproxy.core.pricing.PriceOverride;
import dev.codeproxy.core.pricing.PriceTable;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code /_/api/pricing}: the bundled table and the user's overrides, each row marked with its
 * source; {@code PUT /pricing/overrides} makes the overrides exactly the given list;
 * {@code POST /pricing/reset} drops them all. New prices apply to requests logged from then on.
 */
public final class PricingResource implements HttpService {
    private static final String[] PRICE_FIELDS = {"input", "output", "cacheWrite5m", "cacheWrite1h", "cacheRead"};

    private final Services s;

    public PricingResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/pricing", Api.guard(this::get))
                .put("/pricing/overrides", Api.guard(this::put))
                .post("/pricing/reset", Api.guard(this::reset));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Api.ok(res, table());
    }

    private void put(ServerRequest req, ServerResponse res) {
        JsonObject body = Api.object(req);
        JsonValue v = body.get("overrides");
        if (!(v instanceof JsonArray arr)) {
            throw ApiException.invalid("overrides", v == null ? "is required; expected an array of {pattern, input, output, "
                    + "cacheWrite5m, cacheWrite1h, cacheRead}" : "is " + Fields.describe(v) + "; expected an array");
        }
        Api.Problems p = new Api.Problems();
        List<PriceOverride> list = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            String at = "overrides[" + i + "]";
            if (!(arr.get(i) instanceof JsonObject o)) {
                p.add(at, "is " + Fields.describe(arr.get(i)) + "; expected an object");
                continue;
            }
            String pattern = o.get("pattern") instanceof JsonString js ? js.getString() : null;
            if (pattern == null) {
                p.add(at + ".pattern", "is required; expected a model id, or a prefix ending in *");
            }
            String[] values = new String[PRICE_FIELDS.length];
            boolean ok = pattern != null;
            for (int k = 0; k < PRICE_FIELDS.length; k++) {
                JsonValue x = o.get(PRICE_FIELDS[k]);
                if (x instanceof JsonString xs) {
                    values[k] = xs.getString();
                } else if (x instanceof JsonNumber xn) {
                    values[k] = xn.bigDecimalValue().toPlainString();
                } else {
                    p.add(at + "." + PRICE_FIELDS[k], x == null ? "is required; expected USD per million tokens, e.g. 3.75"
                            : "is " + Fields.describe(x) + "; expected USD per million tokens, e.g. 3.75");
                    ok = false;
                }
            }
            if (!ok) {
                continue;
            }
            try {
                PriceOverride po = new PriceOverride(pattern, ModelPrice.of(values[0], values[1], values[2], values[3],
                        values[4]));
                if (!seen.add(po.pattern())) {
                    p.add(at + ".pattern", "'" + po.pattern() + "' appears more than once");
                    continue;
                }
                list.add(po);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                String field = "pattern";
                for (String f : PRICE_FIELDS) {
                    if (m.startsWith("price " + f + " ")) {
                        field = f;
                    }
                }
                p.add(at + "." + field, m);
            }
        }
        p.throwIfAny("price overrides not saved");
        s.prices().replaceAll(list);
        changed();
        Api.ok(res, table());
    }

    private void reset(ServerRequest req, ServerResponse res) {
        s.prices().resetToBundled();
        changed();
        Api.ok(res, table());
    }

    private void changed() {
        s.pricesChanged().accept(s.prices().table());
    }

    private PricingDtos.Table table() {
        PriceTable t = s.prices().table();
        List<PricingDtos.Row> rows = new ArrayList<>();
        for (PriceOverride o : t.overrides()) {
            rows.add(new PricingDtos.Row(o.pattern(), "", "override", false, price(o.price())));
        }
        for (BundledPrices.Entry e : BundledPrices.ENTRIES) {
            boolean overridden = t.overrides().stream().anyMatch(o -> o.isPrefix()
                    ? e.prefix().startsWith(o.stem()) : o.pattern().equals(e.prefix().toLowerCase(Locale.ROOT)));
            rows.add(new PricingDtos.Row(e.prefix(), e.family(), "bundled", overridden, price(e.price())));
        }
        Map<String, PricingDtos.Price> families = new TreeMap<>();
        BundledPrices.FAMILY_NEWEST.forEach((f, pr) -> families.put(f, price(pr)));
        return new PricingDtos.Table(rows, families);
    }

    private static PricingDtos.Price price(ModelPrice p) {
        return new PricingDtos.Price(p.input().toPlainString(), p.output().toPlainString(),
                p.cacheWrite5m().toPlainString(), p.cacheWrite1h().toPlainString(), p.cacheRead().toPlainString());
    }
}
