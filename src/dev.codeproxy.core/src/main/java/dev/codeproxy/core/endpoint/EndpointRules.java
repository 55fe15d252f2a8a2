package dev.codeproxy.core.endpoint;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Field rules for endpoints, shared by the import file, the command line and the admin API so
 * they all accept and refuse the same values with the same words.
 */
public final class EndpointRules {
    static final int MAX_NAME = 100;
    public static final long MIN_TIMEOUT_MS = 1_000;
    public static final long MAX_TIMEOUT_MS = 3_600_000;
    public static final int MAX_WEIGHT = 1_000;

    private EndpointRules() {
    }

    /** Problems with an endpoint, keyed by field name; empty when it is valid. */
    public static Map<String, String> check(Endpoint e) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (e.name().isBlank()) {
            errors.put("name", "must not be blank");
        } else if (e.name().length() > MAX_NAME) {
            errors.put("name", "is " + e.name().length() + " characters; at most " + MAX_NAME + " are accepted");
        }
        String urlProblem = baseUrlProblem(e.baseUrl());
        if (urlProblem != null) {
            errors.put("baseUrl", urlProblem);
        }
        if (e.priority() < 1) {
            errors.put("priority", "is " + e.priority() + "; expected an integer >= 1");
        }
        if (e.weight() < 1 || e.weight() > MAX_WEIGHT) {
            errors.put("weight", "is " + e.weight() + "; expected an integer from 1 to " + MAX_WEIGHT);
        }
        if (e.timeoutMs() < MIN_TIMEOUT_MS || e.timeoutMs() > MAX_TIMEOUT_MS) {
            errors.put("timeoutMs", "is " + e.timeoutMs() + "; expected an integer from " + MIN_TIMEOUT_MS + " to "
                    + MAX_TIMEOUT_MS);
        }
        if (e.headersTimeoutMs() < Endpoint.MIN_HEADERS_TIMEOUT_MS || e.headersTimeoutMs() > Endpoint.MAX_HEADERS_TIMEOUT_MS) {
            errors.put("headersTimeoutMs", "is " + e.headersTimeoutMs() + "; expected an integer from "
                    + Endpoint.MIN_HEADERS_TIMEOUT_MS + " to " + Endpoint.MAX_HEADERS_TIMEOUT_MS);
        }
        errors.putAll(e.compat().check());
        if (e.apiKey().chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            errors.put("apiKey", "contains spaces or non-printable characters");
        }
        return errors;
    }

    /** Why a base URL is not accepted, or null when it is. */
    public static String baseUrlProblem(String url) {
        if (url == null || url.isBlank()) {
            return "must not be blank; expected an http:// or https:// URL such as https://api.anthropic.com";
        }
        try {
            URI u = new URI(url);
            String scheme = u.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return "'" + url + "' is not accepted; expected an http:// or https:// URL such as https://api.anthropic.com";
            }
            if (u.getHost() == null || u.getHost().isBlank()) {
                return "'" + url + "' has no host; expected e.g. https://api.anthropic.com";
            }
            if (u.getRawQuery() != null || u.getRawFragment() != null) {
                return "'" + url + "' has a query or fragment; expected a base URL without them";
            }
            if (u.getRawUserInfo() != null) {
                return "'" + url + "' contains user info; put credentials in apiKey instead";
            }
            return null;
        } catch (URISyntaxException ex) {
            return "'" + url + "' is not a valid URL (" + ex.getReason() + ")";
        }
    }
}
