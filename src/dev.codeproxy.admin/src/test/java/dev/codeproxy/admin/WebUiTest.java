package dev.codeproxy.admin;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebUiTest {
    @Test
    void missesAreNeverCached() throws Exception {
        WebUi ui = new WebUi();
        var load = WebUi.class.getDeclaredMethod("load", String.class);
        load.setAccessible(true);
        for (int i = 0; i < 1000; i++) {
            assertEquals(Optional.empty(), load.invoke(ui, "assets/nothing-" + i + ".js"));
        }
        assertEquals(0, ui.cached(), "a thousand misses hold no memory");
    }
}
