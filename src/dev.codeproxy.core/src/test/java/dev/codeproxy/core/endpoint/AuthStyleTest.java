package dev.codeproxy.core.endpoint;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one auth-header rule: which header carries an endpoint's key. */
class AuthStyleTest {

    private static List<String> sent(AuthStyle style, String key) {
        List<String> out = new ArrayList<>();
        style.credential(key, (n, v) -> out.add(n + ": " + v));
        return out;
    }

    @Test
    void theKeyGoesInTheHeaderItsStyleNames() {
        assertEquals(List.of("x-api-key: sk-ant-1"), sent(AuthStyle.X_API_KEY, "sk-ant-1"));
        assertEquals(List.of("authorization: Bearer zk-2"), sent(AuthStyle.BEARER, "zk-2"));
    }

    @Test
    void noKeyNoHeader() {
        for (AuthStyle s : AuthStyle.values()) {
            assertEquals(List.of(), sent(s, ""), s.wire());
            assertEquals(List.of(), sent(s, null), s.wire());
        }
    }
}
