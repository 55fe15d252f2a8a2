package dev.codeproxy.store.log;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.PriceRepository;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request log: takes {@link ProxyEvent.RequestCompleted} events from the data plane and
 * writes them to SQLite without ever making the data plane wait.
 *
 * <p>{@link #onEvent} only offers the record to a bounded queue (default 100,000 records and
 * {@link #MAX_QUEUED_BODY_BYTES} bytes of bodies) and returns; when the queue is full the record
 * is dropped and counted ({@link #dropped()}), past the byte budget it is kept without its bodies
 * ({@link #bodiesShed()}), each with a warning at most once a minute.
 *
 * <p>One platform thread (sqlite-jdbc is JNI and would pin a virtual thread) drains the queue
 * and commits whatever is waiting, up to {@value #MAX_BATCH} rows per transaction, without
 * waiting for a batch to fill: a record waits only for the commit in progress, far under the
 * {@value #FLUSH_INTERVAL_MS} ms flush interval, so a {@code kill -9} loses what was still queued
 * and never a committed row (WAL with {@code synchronous=NORMAL} keeps the file consistent).
 * While a batch commits, a second platform thread prepares the next (redaction, header JSON,
 * body compression); it never touches the database. Each transaction also adds its rows to the
 * hourly and daily aggregates, which therefore always equal the sums of the rows and are never
 * touched by log retention.
 *
 * <p>Before a row is stored: credential headers, every known secret (the secrets supplier:
 * endpoint keys, client and admin tokens) and anything shaped like an Anthropic key or a
 * generated Code Proxy token are masked in every field, header and body; bodies follow the
 * capture mode and {@code maxBodyBytes}; the cost comes from the bundled price table plus the
 * overrides in the database. Between batches, retention deletes the oldest rows past
 * {@code logRetention} and details past {@code bodyRetention} in chunks of
 * {@value LogWriter#PRUNE_CHUNK} requests; under a backlog, details that pruning would delete at
 * once are not written at all. Settings and secrets are read live (once per batch).
 *
 * <p>Request bodies are stored by their parts, each once ({@link PartPreparer}, {@link PartWriter});
 * retention also prunes the oldest requests while the database holds more than
 * {@code logMaxBytes}, and gives freed pages back in small steps.
 *
 * <p>When the database refuses writes (a full disk, an I/O error: {@link LogFailure}), the batch
 * is held and retried with backoff ({@value #RETRY_FIRST_MS} ms doubling to
 * {@value #RETRY_LONGEST_MS} ms) and nothing more is taken off the queue, so requests wait there
 * (its bound then decides what is dropped, and counted); one warning says so when it starts, one
 * line when it ends, and {@link #health()} tells the dashboard.
 *
 * <p>The writer starts with the constructor; {@link #close()} stops taking records, writes
 * everything queued and stops the writer.
 */
public final class RequestLog implements ProxyListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RequestLog.class.getName());

    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;
    /** Rows per transaction at most. */
    public static final int MAX_BATCH = 500;
    /** The writer wakes at least this often (retention, aggregate pruning, stop). */
    public static final long FLUSH_INTERVAL_MS = 200;
    /**
     * Retention between explicit flushes deletes only once this many rows (or details) are past
     * their limit, all at once, instead of after every batch.
     */
    static final int PRUNE_SLACK = 100;
    /**
     * Group commit: a batch smaller than this waits up to {@link #GROUP_WAIT_NANOS} for more rows
     * before it is prepared. Each commit costs the writer about 0.6 ms whatever its size (the pages
     * at the ends of the table and its indexes, the aggregates' pages, the WAL frames), so larger
     * groups cost the writer less per row: at 3,500 rows a second, 5 ms groups (about 17 rows)
     * took 68-78 us of writer CPU a row, 15 ms groups 58-61 and 50 ms groups 44-48. But the bodies
     * of the rows in a group, and of the group being prepared and the one being committed, stay
     * alive meanwhile, and in the proxy the young collections that copy them took what the writer
     * saved: with 50 ms groups the writer's share of the proxy's CPU fell from 18 % to 12 % and
     * the collector's rose from 10 % to 18 %; with 15 ms groups the writer had 13 % and the
     * collector 9 %. A lone request's row is stored 15 ms later; a flush does not wait.
     */
    static final int GROUP_ROWS = 200;
    static final long GROUP_WAIT_NANOS = 15_000_000L;
    /** The window is slept in slices this long, to end it early once the group is full. */
    static final long GROUP_SLICE_NANOS = 5_000_000L;
    /**
     * Body bytes the queue may hold (bodies are up to {@code maxBodyBytes} each). Past it, records
     * are still logged but without their bodies (marked truncated), so a stalled disk cannot
     * exhaust the heap: a 32nd of the heap limit (16 MiB with the image's 512 MB), between 8 and
     * 256 MiB. Bodies waiting here survive young collections and are copied by each one, so
     * the budget is kept small: only the newest {@code bodyRetention} bodies are kept anyway.
     */
    public static final long MAX_QUEUED_BODY_BYTES =
            Math.max(8L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 32));
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long AGGREGATE_PRUNE_EVERY_MS = TimeUnit.HOURS.toMillis(1);
    private static final long CLOSE_WAIT_MS = 60_000;
    /** Put on the queue to wake the writer (flush, close); never written. */
    private static final RequestRecord WAKE = new RequestRecord(-1, 0, "", "", null, null, null, false, 0, null, 0, false,
            -1, -1, 0, null, null, List.of(), null, null, null, null, false, null, false, null, null, null, null);

    private final Supplier<Settings> settings;
    private final long maxQueuedBodyBytes;
    private final Supplier<? extends Collection<String>> secrets;
    private final Clock clock;
    private final PriceRepository prices;
    private final BlockingQueue<RequestRecord> queue;
    private final LogWriter writer;
    private final Thread thread;

    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong queuedBodyBytes = new AtomicLong();
    /** The group window ({@link #GROUP_WAIT_NANOS}; tests lengthen it to see what ends it early). */
    volatile long groupWaitNanos = GROUP_WAIT_NANOS;
    /** Threads in {@link #flush()}: the writer does not sleep through a group window for them. */
    private final AtomicInteger flushing = new AtomicInteger();
    private final AtomicLong bodiesShed = new AtomicLong();
    private final AtomicLong lastDropWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private volatile long written;
    /** Records taken off the queue and finished with (written, or lost to a database error). */
    private volatile long processed;
    /** Retention passes asked for (after each batch, and by flush) and the last one completed. */
    private final AtomicLong pruneRequests = new AtomicLong(1);
    private volatile long pruneDone;
    private volatile boolean closing;
    private final Object progress = new Object();

    // writer-thread state (the preparer sees only what is handed to it)
    private List<String> lastSecrets;
    private Redactor redactor = Redactor.NONE;
    private long lastAggregatePrune;
    private boolean aggregatesPruned;
    private long lastErrorWarning = System.nanoTime() - WARN_EVERY_NANOS;
    /** Used on the preparer thread only. */
    private final BodyCodec codec = new BodyCodec();
    /** Used on the preparer thread only. */
    private final PartPreparer parts = new PartPreparer();
    private final ExecutorService preparer = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("request-log-prepare").daemon().unstarted(r));
    /**
     * The live price table (bundled prices with the overrides), the one every cost is computed
     * with: the rows written here, and through {@link #prices()} the live feed, the metrics and the
     * headless request lines. The writer rereads it when the overrides' version moved (a change by
     * any process); the admin API sets it at once after a change ({@link #pricesChanged}).
     */
    private volatile PriceTable priceTable;
    private long priceVersion = -1;

    /**
     * Starts the log's writer thread.
     *
     * @param settings live settings (capture mode, body cap, retention), read once per batch
     * @param secrets  current secrets to mask wherever they appear (endpoint keys, client and admin tokens)
     * @param clock    its zone decides the day of the daily aggregates; also used for aggregate pruning
     */
    public RequestLog(Database database, Supplier<Settings> settings, Supplier<? extends Collection<String>> secrets,
                      Clock clock) {
        this(database, settings, secrets, clock, DEFAULT_QUEUE_CAPACITY);
    }

    public RequestLog(Database database, Supplier<Settings> settings, Supplier<? extends Collection<String>> secrets,
                      Clock clock, int queueCapacity) {
        this(database, settings, secrets, clock, queueCapacity, MAX_QUEUED_BODY_BYTES);
    }

    RequestLog(Database database, Supplier<Settings> settings, Supplier<? extends Collection<String>> secrets,
               Clock clock, int queueCapacity, long maxQueuedBodyBytes) {
        this.maxQueuedBodyBytes = maxQueuedBodyBytes;
        this.settings = settings;
        this.secrets = secrets;
        this.clock = clock;
        this.prices = new PriceRepository(database);
        this.priceTable = initialPrices(prices);
        this.queue = new ArrayBlockingQueue<>(Math.max(1, queueCapacity));
        this.writer = new LogWriter(database);
        this.thread = Thread.ofPlatform().name("request-log-writer").daemon().unstarted(this::run);
        thread.start();
    }

    /** The live price table (never null); reading it never touches the database. */
    public PriceTable prices() {
        return priceTable;
    }

    /**
     * The price overrides changed (through the admin API): costs from now on use {@code table}.
     * The writer checks the overrides' version again before its next batch.
     */
    public void pricesChanged(PriceTable table) {
        priceTable = table;
    }

    /** Queues completed requests; ignores every other event. Never blocks. */
    @Override
    public void onEvent(ProxyEvent event) {
        if (event instanceof ProxyEvent.RequestCompleted c) {
            offer(c.record());
        }
    }

    /** Queues one record; false (and counted as dropped) when the queue is full or the log is closed. */
    public boolean offer(RequestRecord record) {
        if (record == null) {
            return false;
        }
        if (!settings.get().requestLog()) {
            // the user turned the log off: nothing about this request is stored
            return true;
        }
        long size = bodyBytes(record);
        if (size > 0 && queuedBodyBytes.addAndGet(size) > maxQueuedBodyBytes) {
            queuedBodyBytes.addAndGet(-size);
            record = record.withoutBodies();
            size = 0;
            long n = bodiesShed.incrementAndGet();
            warnDrop("request log queue holds more than " + (maxQueuedBodyBytes >> 20) + " MiB of bodies; "
                    + "logging requests without bodies (" + n + " so far)");
        }
        if (closing || !queue.offer(record)) {
            queuedBodyBytes.addAndGet(-size);
            long n = dropped.incrementAndGet();
            warnDrop(closing ? "request log is closed; a request was not logged (" + n + " dropped so far)"
                    : "request log queue is full (" + queue.size() + "); requests are not being logged ("
                    + n + " dropped so far)");
            return false;
        }
        offered.incrementAndGet();
        return true;
    }

    /** Warns at most once a minute (the hot path calls this). */
    private void warnDrop(String message) {
        long now = System.nanoTime();
        long last = lastDropWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastDropWarning.compareAndSet(last, now)) {
            LOG.warning(message);
        }
    }

    private static long bodyBytes(RequestRecord r) {
        return (r.requestBody() == null ? 0 : r.requestBody().length) + (r.responseBody() == null ? 0 : r.responseBody().length);
    }

    /** Records accepted but not yet written (queued or in the batch being written). */
    public long queueDepth() {
        return Math.max(0, offered.get() - processed);
    }

    /** Records logged without their bodies because the queue held too many body bytes. */
    public long bodiesShed() {
        return bodiesShed.get();
    }

    /** Records never written: queue full, log closed, or a database error. */
    public long dropped() {
        return dropped.get();
    }

    /** Request-body parts redacted and compressed since start (parts seen before are not). */
    public long partsPrepared() {
        return parts.prepared;
    }

    /** Request-body parts found already stored (neither redacted nor compressed again). */
    public long partsReused() {
        return parts.reused;
    }

    /** Rows committed since start. */
    public long written() {
        return written;
    }

    /**
     * Blocks until every record queued before this call is committed (or lost to a database
     * error), then until retention has caught up with the current settings. Returns at once
     * after {@link #close()}.
     */
    public void flush() {
        long target = offered.get();
        flushing.incrementAndGet();
        try {
            LockSupport.unpark(thread); // out of the group window
            synchronized (progress) {
                while (processed < target && thread.isAlive()) {
                    if (!await()) {
                        return;
                    }
                }
                long pass = pruneRequests.incrementAndGet();
                queue.offer(WAKE);
                while (pruneDone < pass && thread.isAlive()) {
                    if (!await()) {
                        return;
                    }
                }
            }
        } finally {
            flushing.decrementAndGet();
        }
    }

    private boolean await() {
        try {
            progress.wait(FLUSH_INTERVAL_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops taking records, writes everything queued, stops the writer. Idempotent. */
    @Override
    public void close() {
        closing = true;
        queue.offer(WAKE);
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warning("request log writer did not finish within " + CLOSE_WAIT_MS + " ms; " + queue.size()
                    + " records not written");
        }
    }

    /** A batch on its way: taken off the queue by the writer, prepared by the preparer thread. */
    private record InFlight(int records, Future<Prepared> prepared) {
    }

    private record Prepared(List<LogRow> rows, int failed, String firstError) {
    }

    /**
     * The writer loop. Batch n+1 is prepared (redaction, JSON, compression) on the preparer thread
     * while batch n is committed here; only this thread touches the queue counters and the database.
     */
    private void run() {
        InFlight pending = null;
        try {
            while (true) {
                if (stalled != null) {
                    // the database refuses writes (full disk...): nothing new is taken off the queue
                    // until the rows held here are written; past the queue's bound, records are dropped
                    if (!retryStalled()) {
                        if (closing && System.nanoTime() > giveUpAt) {
                            giveUp(pending);
                            break;
                        }
                        continue;
                    }
                }
                boolean busy = pending != null || pruneRequests.get() > pruneDone;
                RequestRecord first = queue.poll(busy ? 0 : FLUSH_INTERVAL_MS, TimeUnit.MILLISECONDS);
                InFlight next = null;
                if (first != null) {
                    List<RequestRecord> batch = new ArrayList<>(MAX_BATCH);
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    if (batch.size() < GROUP_ROWS && !closing && !batch.contains(WAKE)) {
                        gather(batch);
                    }
                    batch.removeIf(r -> r == WAKE);
                    long taken = 0;
                    for (RequestRecord r : batch) {
                        taken += bodyBytes(r);
                    }
                    queuedBodyBytes.addAndGet(-taken);
                    if (!batch.isEmpty()) {
                        next = prepare(batch);
                    }
                }
                if (pending != null) {
                    commit(pending);
                }
                pending = next;
                if (stalled != null) {
                    continue; // no retention either while the database refuses writes
                }
                if (pending == null && health.failing() && queue.isEmpty()) {
                    // one episode ends when what waited is written: a nearly full disk that takes a
                    // batch now and then does not make the output say "failing" and "again" each time
                    recovered();
                }
                if (pending == null && closing && queue.isEmpty()) {
                    break;
                }
                housekeeping();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "request log writer stopped", e);
        } finally {
            writer.close();
            preparer.execute(codec::close);
            preparer.execute(parts::close);
            preparer.shutdown();
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /**
     * Sleeps through the group window, then takes what arrived. Sleeping instead of waiting on the
     * queue: waiting there, each record offered to the empty queue woke this thread, a futex call
     * on the request's thread and a context switch here for every row. The window ends early once
     * the group is full, once the bodies waiting reach half the queue's body budget (past it,
     * requests would be logged without their bodies), and on a flush or close.
     */
    private void gather(List<RequestRecord> batch) {
        long window = groupWaitNanos;
        long end = System.nanoTime() + window;
        for (long left = window; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(this, Math.min(left, GROUP_SLICE_NANOS));
            if (closing || flushing.get() > 0 || batch.size() + queue.size() >= GROUP_ROWS
                    || queuedBodyBytes.get() >= maxQueuedBodyBytes / 2) {
                break;
            }
        }
        queue.drainTo(batch, MAX_BATCH - batch.size());
    }

    private volatile String instance = "";

    /**
     * Names the instance written with every row from now on: which of several instances sharing
     * one database served a request ('' when this is the only one).
     */
    public void instance(String name) {
        this.instance = name == null ? "" : name;
    }

    /** Reads what preparing needs here (settings, secrets, prices: the latter on the writer's connection), then hands off. */
    private InFlight prepare(List<RequestRecord> batch) {
        Settings s = settings.get();
        Redactor red = redactor();
        PriceTable table = priceTable();
        // Details of a row with bodyRetention or more newer rows (in this batch or queued behind it)
        // would be deleted by the next pruning: under a backlog, do not write them at all.
        int behind = queue.size();
        int keepFrom = (int) Math.max(0, Math.min(batch.size(),
                (long) batch.size() + behind - Math.max(0, s.bodyRetention())));
        if (keepFrom > 0) {
            batch.sort(Comparator.comparingLong(RequestRecord::id));
        }
        Future<Prepared> f = preparer.submit(() -> {
            List<LogRow> rows = new ArrayList<>(batch.size());
            int failed = 0;
            String firstError = null;
            for (int i = 0; i < batch.size(); i++) {
                try {
                    LogRow row = LogRow.of(batch.get(i), red, table, s, i >= keepFrom, codec, parts);
                    row.instance = instance;
                    rows.add(row);
                } catch (RuntimeException e) {
                    failed++;
                    firstError = firstError == null ? e.toString() : firstError;
                }
            }
            return new Prepared(rows, failed, firstError);
        });
        return new InFlight(batch.size(), f);
    }

    private void commit(InFlight inFlight) throws InterruptedException {
        Prepared p;
        try {
            p = inFlight.prepared().get();
        } catch (ExecutionException e) {
            lost(inFlight.records(), inFlight.records() + " requests could not be prepared for the log: " + e.getCause());
            finished(inFlight.records());
            return;
        }
        if (p.failed() > 0) {
            lost(p.failed(), p.failed() + " requests could not be prepared for the log: " + p.firstError());
        }
        List<LogRow> rows = p.rows();
        try {
            writer.write(rows, clock.getZone());
            written += rows.size();
        } catch (SQLException | RuntimeException e) {
            writer.closeQuietly();
            if (LogFailure.isTransient(e)) {
                stall(rows, inFlight.records(), e);
                return;
            }
            // one bad row must not lose its neighbours: try each alone
            if (!commitEach(rows, inFlight.records())) {
                return;
            }
        }
        finished(inFlight.records());
    }

    // ------------------------------------------------------------------ a database that refuses writes

    /** Backoff between retries of stalled rows: from the first to the longest, doubling. */
    static final long RETRY_FIRST_MS = 100;
    static final long RETRY_LONGEST_MS = 5_000;
    /** After close() a failing writer keeps retrying this long, then counts what it holds as dropped. */
    static final long GIVE_UP_AFTER_CLOSE_MS = 10_000;

    private record Stalled(List<LogRow> rows, int records) {
    }

    /** Rows that could not be written, retried with backoff (writer thread only). */
    private Stalled stalled;
    private long retryDelayMs = RETRY_FIRST_MS;
    private long giveUpAt = Long.MAX_VALUE;
    private volatile LogHealth health = LogHealth.OK;

    /** Whether the log is writing, and since when and why not. */
    public LogHealth health() {
        return health.withWaiting(queueDepth(), dropped.get());
    }

    private void stall(List<LogRow> rows, int records, Exception e) {
        stalled = new Stalled(rows, records);
        retryDelayMs = Math.max(retryDelayMs, RETRY_FIRST_MS);
        if (!health.failing()) { // a new episode (a failure while the backlog drains is the same one)
            String why = LogFailure.describe(e);
            health = LogHealth.failing(why, clock.millis());
            retryDelayMs = RETRY_FIRST_MS;
            LOG.warning("request log: cannot write to " + writer.where() + " (" + why + "); requests wait in the "
                    + "log's queue (up to " + queue.remainingCapacity() + " more) and are written when it works again");
        }
    }

    /** Waits the backoff, then tries the stalled rows again; true when they are written. */
    private boolean retryStalled() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryDelayMs);
        while (System.nanoTime() < until) {
            if (closing && giveUpAt == Long.MAX_VALUE) {
                giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GIVE_UP_AFTER_CLOSE_MS);
            }
            Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))));
        }
        retryDelayMs = Math.min(RETRY_LONGEST_MS, retryDelayMs * 2);
        Stalled st = stalled;
        try {
            writer.write(st.rows(), clock.getZone());
        } catch (SQLException | RuntimeException e) {
            writer.closeQuietly();
            if (LogFailure.isTransient(e)) {
                return false;
            }
            // no longer the disk: this batch itself cannot be written; the usual row-by-row path decides
            stalled = null;
            if (!commitEach(st.rows(), st.records())) {
                return false;
            }
            finished(st.records());
            return true;
        }
        written += st.rows().size();
        stalled = null;
        finished(st.records());
        return true;
    }

    private void recovered() {
        LogHealth was = health;
        if (was.failing()) {
            health = LogHealth.OK;
            retryDelayMs = RETRY_FIRST_MS;
            LOG.info("request log: writing again after " + (clock.millis() - was.since()) / 1000 + " s; the requests "
                    + "that waited are written (" + dropped.get() + " dropped since start)");
        }
    }

    /** Closing while the database still refuses writes: what is held is lost, and counted. */
    private void giveUp(InFlight pending) {
        int lost = stalled.records();
        finished(stalled.records());
        stalled = null;
        if (pending != null) {
            lost += pending.records();
            finished(pending.records());
        }
        int queued = 0;
        for (RequestRecord r; (r = queue.poll()) != null; ) {
            if (r != WAKE) {
                queued++;
            }
        }
        lost += queued;
        finished(queued);
        dropped.addAndGet(lost);
        LOG.warning("request log: stopping while the database still refuses writes (" + health.reason() + "); "
                + lost + " requests were not written");
    }

    /** Writes rows one by one; false when the database refused writes (the rest is then stalled). */
    private boolean commitEach(List<LogRow> rows, int records) {
        for (int i = 0; i < rows.size(); i++) {
            try {
                writer.write(List.of(rows.get(i)), clock.getZone());
                written += 1;
            } catch (SQLException | RuntimeException e2) {
                writer.closeQuietly();
                if (LogFailure.isTransient(e2)) {
                    stall(new ArrayList<>(rows.subList(i, rows.size())), records, e2);
                    return false;
                }
                lost(1, "a request could not be written to the log: " + e2.getMessage());
            }
        }
        return true;
    }

    private void finished(int records) {
        synchronized (progress) {
            processed += records;
            progress.notifyAll();
        }
    }

    private void housekeeping() {
        long pass = pruneRequests.get();
        Settings s = settings.get();
        try {
            // exact when asked (flush, close); otherwise in steps of PRUNE_SLACK rows at least
            boolean exact = pass > pruneDone || closing;
            boolean more = writer.prune(s.logRetention(), s.bodyRetention(), s.logMaxBytes(), exact ? 1 : PRUNE_SLACK);
            long now = clock.millis();
            if (!aggregatesPruned || now - lastAggregatePrune >= AGGREGATE_PRUNE_EVERY_MS || now < lastAggregatePrune) {
                writer.pruneAggregates(now, clock.getZone());
                lastAggregatePrune = now;
                aggregatesPruned = true;
            }
            if (!more) {
                pruneFinished(pass);
            }
        } catch (SQLException | RuntimeException e) {
            writer.closeQuietly();
            pruneFinished(pass);
            warnError("request log retention failed: " + e.getMessage());
        }
    }

    private void pruneFinished(long pass) {
        synchronized (progress) {
            pruneDone = Math.max(pruneDone, pass);
            progress.notifyAll();
        }
    }

    private Redactor redactor() {
        try {
            Collection<String> raw = secrets.get();
            List<String> now = raw == null ? List.of() : raw.stream().filter(Objects::nonNull).toList();
            if (!now.equals(lastSecrets)) {
                redactor = Redactor.of(now);
                lastSecrets = now;
            }
        } catch (RuntimeException e) {
            warnError("could not read the current secrets, using the previous ones: " + e);
        }
        return redactor;
    }

    private static PriceTable initialPrices(PriceRepository prices) {
        try {
            return prices.table();
        } catch (RuntimeException e) {
            LOG.warning("could not read price overrides, pricing with the bundled table until they can be read: "
                    + e.getMessage());
            return PriceTable.bundled();
        }
    }

    private PriceTable priceTable() {
        try {
            long v = writer.priceVersion();
            if (priceTable == null || v != priceVersion) {
                priceTable = prices.table();
                priceVersion = v;
            }
            return priceTable;
        } catch (SQLException | RuntimeException e) {
            writer.closeQuietly();
            warnError("could not read price overrides, pricing with the bundled table: " + e.getMessage());
            return PriceTable.bundled();
        }
    }

    private void lost(int n, String why) {
        dropped.addAndGet(n);
        warnError(why);
    }

    private void warnError(String message) {
        long now = System.nanoTime();
        if (now - lastErrorWarning >= WARN_EVERY_NANOS) {
            lastErrorWarning = now;
            LOG.warning(message);
        }
    }
}
