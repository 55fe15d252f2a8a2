/** Test descriptor: the main module plus what the tests need (java.net.http, JUnit). */
open module dev.codeproxy.testkit {
    exports dev.codeproxy.testkit;
    requires java.net.http;
    requires org.junit.jupiter.api;
}
