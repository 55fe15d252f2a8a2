package dev.codeproxy.app;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Entry point of {@code bin/code-proxy}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        configureLogging();
        System.exit(Cli.run(args, System.getenv(), System.out, System.err));
    }

    /** One-line log records on stderr; Helidon's own chatter only from WARNING up. */
    static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(Level.ALL);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String msg = formatMessage(r);
                String t = r.getThrown() == null ? "" : " (" + r.getThrown() + ")";
                return String.format("%1$tF %1$tT %2$s %3$s%4$s%n", r.getMillis(), r.getLevel().getName(), msg, t);
            }
        });
        root.addHandler(h);
        root.setLevel(Level.WARNING);
        Logger.getLogger("dev.codeproxy").setLevel(Level.INFO);
    }
}
