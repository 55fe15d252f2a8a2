package dev.codeproxy.store.log;

import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.Database;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Child process of {@link KillTest}: logs requests without end until it is killed. */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Database db = Database.open(Path.of(args[0]));
        Settings s = Settings.DEFAULTS.with(Map.of("logRetention", "2000", "bodyRetention", "300"));
        RequestLog log = new RequestLog(db, () -> s, List::of, Clock.systemUTC());
        Mix mix = new Mix();
        long id;
        try (var c = db.connection(); var st = c.createStatement(); var rs = st.executeQuery("SELECT max(id) FROM requests")) {
            rs.next();
            id = rs.getLong(1) + 1; // continue where the killed run stopped
        }
        boolean announced = false;
        while (true) {
            for (var r : mix.records(200, id, System.currentTimeMillis(), Duration.ofMinutes(5).toMillis(), id)) {
                log.offer(r);
            }
            id += 200;
            if (!announced && log.written() > 0) {
                System.out.println("writing");
                System.out.flush();
                announced = true;
            }
            Thread.sleep(2);
        }
    }
}
