/**
 * The control plane: the dashboard's static files (built from web/ into this jar), the admin REST
 * API under {@code /_/api}, live events over the WebSocket {@code /_/ws}, the admin login, the
 * Host/Origin/token checks in front of every path, and the Prometheus text at
 * {@code /observe/metrics}.
 */
module dev.codeproxy.admin {
    requires transitive dev.codeproxy.core;
    // ConfigSnapshot, RequestLog and friends appear in ControlPlane.Deps
    requires transitive dev.codeproxy.store;
    // ProxyService and TokenCheck appear in ControlPlane's API
    requires transitive dev.codeproxy.proxy;
    // ClaudeSettings results appear in ServerControl
    requires transitive dev.codeproxy.claude;
    requires transitive io.helidon.webserver;
    // WsRouting and the JSON-B MediaSupport are handed to the server builder
    requires transitive io.helidon.webserver.websocket;
    requires transitive io.helidon.http.media;
    requires io.helidon.websocket;
    requires io.helidon.http.media.jsonb;
    requires jakarta.json.bind;
    // the JSON-B implementation: JsonbBuilder finds it with ServiceLoader, and jlink links a
    // provider only when something requires it (see jlink/modules)
    requires org.eclipse.yasson;
    // the endpoint test calls the upstream with the JDK client (no pooling wanted there)
    requires java.net.http;
    requires java.logging;
    // process and JVM metrics (/observe/metrics) read the platform MXBeans
    requires java.management;

    // the doctor's endpoint checks (the command line and the dashboard run the same ones)
    exports dev.codeproxy.admin.doctor to dev.codeproxy.app;
    // ControlPlane and ServerControl (what the app wires), WebUi
    exports dev.codeproxy.admin to dev.codeproxy.app;
    // JSON-B reads and writes the API's records reflectively
    // Yasson reads the DTO records through MethodHandles.publicLookup(), which needs the package
    // exported to everyone (opening it to Yasson alone fails in the jlink image)
    exports dev.codeproxy.admin.api.dto;
    opens dev.codeproxy.admin.api.dto to org.eclipse.yasson;
}
