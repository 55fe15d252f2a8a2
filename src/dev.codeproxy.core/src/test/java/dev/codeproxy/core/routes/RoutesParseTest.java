package dev.codeproxy.core.routes;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad rules get one problem per field, named by its path. */
class RoutesParseTest {
    private static Map<String, String> problems(String json, List<String> endpoints) {
        return assertThrows(RouteException.class, () -> Routes.parse(json, endpoints)).problems();
    }

    @Test
    void unknownEndpointUnknownKindNegativeThreshold() {
        Map<String, String> p = problems("[{\"match\":\"cheapest\",\"endpoints\":[\"a\"]},"
                + "{\"match\":\"longContext\",\"minInputTokens\":-5,\"endpoints\":[\"a\",\"nope\"]}]", List.of("a", "B"));
        assertTrue(p.get("routes[0].match").contains("unknown kind 'cheapest'"), p.toString());
        assertTrue(p.get("routes[0].match").contains("longContext"), p.toString());
        assertTrue(p.get("routes[1].minInputTokens").contains("cannot be negative"), p.toString());
        assertTrue(p.get("routes[1].endpoints[1]").contains("unknown endpoint 'nope'"), p.toString());
        assertEquals(3, p.size(), p.toString());
    }

    @Test
    void shapeProblems() {
        assertTrue(problems("{}", null).get("routes").contains("expected an array"));
        assertTrue(problems("[1]", null).get("routes[0]").contains("expected an object"));
        Map<String, String> p = problems("[{\"endpoints\":[],\"x\":1,\"model\":5}]", null);
        assertTrue(p.get("routes[0].match").contains("is missing"), p.toString());
        assertTrue(p.get("routes[0].endpoints").contains("non-empty array"), p.toString());
        assertTrue(p.get("routes[0].x").contains("unknown field"), p.toString());
        assertTrue(p.get("routes[0].model").contains("not accepted"), p.toString());
        assertTrue(problems("[{\"match\":\"model:\",\"endpoints\":[\"a\"]}]", null).get("routes[0].match")
                .contains("needs a substring"));
        assertTrue(problems("[{\"match\":\"thinking\",\"minInputTokens\":5,\"endpoints\":[\"a\"]}]", null)
                .get("routes[0].minInputTokens").contains("longContext rules only"));
        assertTrue(problems("[{\"match\":\"image\",\"endpoints\":[\"a\",\"A\"]}]", null)
                .get("routes[0].endpoints[1]").contains("twice"));
        assertTrue(problems("not json", null).get("routes").contains("not valid JSON"));
    }

    @Test
    void endpointNamesIgnoreCaseAndDefaultThreshold() {
        Routes r = Routes.parse("[{\"match\":\"longContext\",\"endpoints\":[\"Anthropic\"]}]", List.of("anthropic"));
        assertEquals(Route.DEFAULT_MIN_INPUT_TOKENS, r.rules().getFirst().minInputTokens());
    }

    @Test
    void editsKeepOrder() {
        Routes r = Routes.parse("[{\"match\":\"thinking\",\"endpoints\":[\"a\"]},{\"match\":\"image\",\"endpoints\":[\"b\"]}]");
        Route bg = Routes.parse("[{\"match\":\"background\",\"endpoints\":[\"c\"]}]").rules().getFirst();
        assertEquals(List.of("thinking", "background", "image"), r.with(1, bg).rules().stream().map(Route::match).toList());
        assertEquals(List.of("image", "thinking"), r.moved(0, 1).rules().stream().map(Route::match).toList());
        assertEquals(List.of("image"), r.without(0).rules().stream().map(Route::match).toList());
    }
}
