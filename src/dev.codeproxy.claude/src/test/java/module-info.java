/** Test descriptor: the claude module plus JUnit. */
open module dev.codeproxy.claude {
    requires transitive dev.codeproxy.core;
    requires org.junit.jupiter.api;

    exports dev.codeproxy.claude;
}
