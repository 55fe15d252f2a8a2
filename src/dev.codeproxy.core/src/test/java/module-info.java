/** Test descriptor: the core module plus JUnit. */
open module dev.codeproxy.core {
    requires transitive jakarta.json;
    requires org.junit.jupiter.api;
    requires org.junit.jupiter.params;

    exports dev.codeproxy.core.endpoint;
    exports dev.codeproxy.core.settings;
    exports dev.codeproxy.core.wire;
    exports dev.codeproxy.core.secret;
    exports dev.codeproxy.core.routes;
    exports dev.codeproxy.core.session;
    exports dev.codeproxy.core.config;
    exports dev.codeproxy.core.routing;
    exports dev.codeproxy.core.sse;
    exports dev.codeproxy.core.event;
    exports dev.codeproxy.core.usage;
    exports dev.codeproxy.core.pricing;
    exports dev.codeproxy.core.errors;
}
