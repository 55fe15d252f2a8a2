package dev.codeproxy.core.wire;

import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.endpoint.SelfLoop;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelMapperTest {
    @Test
    void familiesMapToTheirModelsElseDefaultElsePassThrough() {
        ModelMap m = new ModelMap("glm-4.6", "glm-4.5-air", "", "glm-4.6-sonnetish", "glm-5");
        assertEquals("glm-4.6-sonnetish", ModelMapper.map("claude-sonnet-5", m));
        assertEquals("glm-5", ModelMapper.map("claude-opus-4-8", m));
        assertEquals("glm-4.5-air", ModelMapper.map("claude-haiku-4-5-20251001", m), "haiku falls back to small-fast");
        assertEquals("glm-4.6", ModelMapper.map("some-other-model", m));
        assertEquals("claude-opus-5-5", ModelMapper.map("claude-opus-5-5", ModelMap.EMPTY));
        ModelMap onlySonnet = new ModelMap("", "", "", "s", "");
        assertEquals("claude-opus-4-8", ModelMapper.map("claude-opus-4-8", onlySonnet));
        assertEquals("s", ModelMapper.map("Claude-SONNET-4", onlySonnet));
    }

    @Test
    void selfLoopIsRecognised() {
        assertTrue(SelfLoop.pointsAtProxy("http://127.0.0.1:9000", "127.0.0.1", 9000));
        assertTrue(SelfLoop.pointsAtProxy("http://localhost:9000/", "127.0.0.1", 9000));
        assertTrue(SelfLoop.pointsAtProxy("http://[::1]:9000", "127.0.0.1", 9000));
        assertFalse(SelfLoop.pointsAtProxy("http://127.0.0.1:9001", "127.0.0.1", 9000));
        assertFalse(SelfLoop.pointsAtProxy("https://api.anthropic.com", "127.0.0.1", 443));
    }
}
