package dev.codeproxy.core.errors;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One-line failure descriptions: the first message, and the root cause when it adds something. */
class ErrorsTest {
    @Test
    void firstMessageThenTheRootCauseInParentheses() {
        var e = new IllegalStateException("cannot write settings.json",
                new UncheckedIOException("writing", new IOException("No space left on device")));
        assertEquals("cannot write settings.json (No space left on device)", Errors.rootMessage(e));
    }

    @Test
    void aRootCauseAlreadyInTheFirstMessageIsNotRepeated() {
        var e = new IllegalStateException("cannot lock x: Permission denied", new IOException("Permission denied"));
        assertEquals("cannot lock x: Permission denied", Errors.rootMessage(e));
    }

    @Test
    void aWrapperWithoutMessageGivesWayToItsCause() {
        var e = new RuntimeException(null, new IOException("disk gone"));
        assertEquals("disk gone", Errors.rootMessage(e));
    }

    @Test
    void noMessageAnywhereIsTheExceptionsName() {
        assertEquals("java.lang.IllegalStateException", Errors.rootMessage(new IllegalStateException()));
    }
}
