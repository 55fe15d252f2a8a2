package dev.codeproxy.core.endpoint;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Recognises an endpoint whose base URL points back at the proxy's own listener (it would call itself forever). */
public final class SelfLoop {
    private static final Set<String> LOCAL_NAMES = Set.of("localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "::",
            "[::]", "ip6-localhost");

    /**
     * Answers already given: the proxy asks before every attempt, and the answer for a name needs
     * a DNS lookup when the proxy listens on all interfaces. A base URL, host and port give the
     * same answer for as long as the machine keeps its addresses.
     */
    private record Question(String baseUrl, String listenHost, int listenPort) {
    }

    private static final int REMEMBERED = 1024;
    private static final Map<Question, Boolean> ANSWERS = new ConcurrentHashMap<>();

    private SelfLoop() {
    }

    /**
     * @param baseUrl    the endpoint's base URL
     * @param listenHost the proxy's listen host
     * @param listenPort the proxy's listen port
     */
    public static boolean pointsAtProxy(String baseUrl, String listenHost, int listenPort) {
        Question q = new Question(baseUrl, listenHost, listenPort);
        Boolean known = ANSWERS.get(q);
        if (known != null) {
            return known;
        }
        boolean answer = check(baseUrl, listenHost, listenPort);
        if (ANSWERS.size() >= REMEMBERED) {
            ANSWERS.clear();
        }
        ANSWERS.put(q, answer);
        return answer;
    }

    private static boolean check(String baseUrl, String listenHost, int listenPort) {
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
