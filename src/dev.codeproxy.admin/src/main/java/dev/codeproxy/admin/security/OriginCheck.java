package dev.codeproxy.admin.security;

import java.net.URI;
import java.util.Locale;

/**
 * The cross-site guard: a state-changing request or WebSocket upgrade made by a browser must come
 * from a page of this very server, i.e. its {@code Origin} must equal the request's own
 * {@code scheme://host:port}.
 */
public final class OriginCheck {
    private OriginCheck() {
    }

    /** Whether {@code origin} is the origin of a request with this {@code Host} over this scheme. */
    public static boolean sameOrigin(String origin, String hostHeader, boolean secure) {
        if (origin == null || hostHeader == null) {
            return false;
        }
        try {
            URI o = new URI(origin.strip());
            String scheme = o.getScheme() == null ? "" : o.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals(secure ? "https" : "http") || o.getHost() == null) {
                return false;
            }
            if (o.getRawPath() != null && !o.getRawPath().isEmpty() || o.getRawQuery() != null || o.getRawUserInfo() != null) {
                return false;
            }
            int dflt = secure ? 443 : 80;
            int oPort = o.getPort() < 0 ? dflt : o.getPort();
            String oHost = o.getHost().toLowerCase(Locale.ROOT);
            if (oHost.startsWith("[") && oHost.endsWith("]")) {
                oHost = oHost.substring(1, oHost.length() - 1);
            }
            String h = hostHeader.strip();
            String hName = HostCheck.hostName(h);
            if (hName == null) {
                return false;
            }
            int colon = h.lastIndexOf(':');
            int hPort = dflt;
            if (colon > h.lastIndexOf(']') && colon >= 0 && !(h.indexOf(':') != colon && !h.startsWith("["))) {
                hPort = Integer.parseInt(h.substring(colon + 1));
            }
            return oHost.equals(hName) && oPort == hPort;
        } catch (Exception e) {
            return false;
        }
    }
}
