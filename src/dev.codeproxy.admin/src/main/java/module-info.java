/**
 * The control plane: the dashboard's static files (built from web/ into this jar) and, later,
 * the admin API and live events.
 */
module dev.codeproxy.admin {
    requires transitive dev.codeproxy.core;
    requires transitive io.helidon.webserver;
    requires java.logging;

    // the services the app registers
    exports dev.codeproxy.admin;
}
