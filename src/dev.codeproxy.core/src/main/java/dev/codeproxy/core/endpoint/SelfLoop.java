package dev.codeproxy.core.endpoint;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/** Recognises an endpoint whose base URL points back at the proxy's own listener (it would call itself forever). */
public final class SelfLoop {
    private static final Set<String> LOCAL_NAMES = Set.of("localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "::",
            "[::]", "ip6-localhost");

    private SelfLoop() {
    }

    /**
     * @param baseUrl    the endpoint's base URL
     * @param listenHost the proxy's listen host
     * @param listenPort the proxy's listen port
     */
    public static boolean pointsAtProxy(String baseUrl, String listenHost, int listenPort) {
        try {
            URI u = URI.create(baseUrl);
            String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
            if (port != listenPort) {
                return false;
            }
            if (host.equals(listenHost.toLowerCase(Locale.ROOT)) || LOCAL_NAMES.contains(host)) {
                return true;
            }
            if (host.startsWith("127.")) {
                return true;
            }
            // a name or address of this machine when the proxy listens on all interfaces
            if (listenHost.equals("0.0.0.0") || listenHost.equals("::")) {
                InetAddress a = InetAddress.getByName(host.replace("[", "").replace("]", ""));
                return a.isLoopbackAddress() || a.isAnyLocalAddress()
                        || NetworkInterface.getByInetAddress(a) != null;
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    public static String message(String baseUrl, int port) {
        return "'" + baseUrl + "' points at Code Proxy itself (port " + port + "); use the upstream's URL, "
                + "e.g. https://api.anthropic.com";
    }
}
