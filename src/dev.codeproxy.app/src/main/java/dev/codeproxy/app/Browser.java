package dev.codeproxy.app;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Opens a URL in the desktop's default browser (xdg-open / open / start), best effort. */
final class Browser {
    private Browser() {
    }

    static void open(String url, PrintStream err) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        List<String> cmd = os.contains("win") ? List.of("rundll32", "url.dll,FileProtocolHandler", url)
                : os.contains("mac") ? List.of("open", url) : List.of("xdg-open", url);
        Thread.ofVirtual().start(() -> {
            try {
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (Exception e) {
                err.println("code-proxy: could not open a browser (" + cmd.getFirst() + "): open " + url + " yourself");
            }
        });
    }
}
