package dev.codeproxy.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A shared PostgreSQL database named by {@code --database} / {@code CODE_PROXY_DATABASE_URL}:
 * {@code postgresql://user:pass@host:5432/db} (also {@code postgres://}; the port defaults to
 * 5432; query parameters such as {@code sslmode=require} go to the driver as they are). The
 * password is kept apart from everything printable: {@link #toString()} and {@link #display()}
 * leave it out, and the driver receives it as a property, never inside the JDBC URL.
 */
public final class DatabaseUrl {
    /** The accepted form, for error messages. */
    public static final String FORM = "postgresql://user:password@host:5432/database";

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final String query;

    private DatabaseUrl(String host, int port, String database, String user, String password, String query) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.query = query;
    }

    /**
     * Parses {@code text}; a malformed URL is an {@link IllegalArgumentException} whose message
     * names what is wrong and the accepted form, and never repeats the text (it may hold a password).
     */
    public static DatabaseUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty database URL; expected " + FORM);
        }
        String s = text.strip();
        int colon = s.indexOf("://");
        String scheme = colon < 0 ? "" : s.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
            throw new IllegalArgumentException("database URL must start with postgresql:// (SQLite needs no URL: "
                    + "leave it out); expected " + FORM);
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("database URL is not a valid URL (characters such as @ : / in the "
                    + "password must be percent-encoded); expected " + FORM);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("database URL names no host; expected " + FORM);
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String db = path.startsWith("/") ? decode(path.substring(1)) : "";
        if (db.isEmpty() || db.contains("/")) {
            throw new IllegalArgumentException("database URL names no database (the path after the port); expected "
                    + FORM);
        }
        String user = "";
        String password = "";
        String info = uri.getRawUserInfo();
        if (info != null) {
            int c = info.indexOf(':');
            user = decode(c < 0 ? info : info.substring(0, c));
            password = c < 0 ? "" : decode(info.substring(c + 1));
        }
        if (user.isEmpty()) {
            throw new IllegalArgumentException("database URL names no user; expected " + FORM);
        }
        String q = uri.getRawQuery();
        return new DatabaseUrl(host, port, db, user, password, q == null ? "" : q);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The driver's URL: host, port, database and the query parameters, without user or password. */
    String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** The URL as it may be shown: {@code postgresql://user@host:port/db}, the password left out. */
    public String display() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return display();
    }
}
