package org.dirpg.server.train;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.dirpg.proto.train.v1.UpdateMetrics;

/**
 * The single writer of a {@link RunStore}: callers enqueue writes and go on; one thread applies them in order,
 * batching whatever has queued up into one transaction (one commit per batch, not per update, so a run doing
 * thousands of updates a second costs a few commits a second).
 *
 * <p>Order is the point: a run's metrics are committed before the row that says the run ended, and a metric is
 * announced durable to its {@link MetricsLog} (which lets streams send it) only after its commit. So whatever a client
 * was streamed survives kill -9. {@link #flush()} waits until everything enqueued before it is committed; runs call it
 * before writing a checkpoint, so the stored metrics always reach at least the newest checkpoint.
 */
final class StoreWriter implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreWriter.class);
    private static final int MAX_BATCH = 4096;

    private sealed interface Op permits Put, Metric, Truncate, Delete, Flush, Close {
    }

    private record Put(RunRecord run) implements Op {
    }

    private record Metric(String runId, UpdateMetrics metrics, MetricsLog log) implements Op {
    }

    private record Truncate(String runId, long from) implements Op {
    }

    private record Delete(String runId) implements Op {
    }

    private record Flush(CountDownLatch done) implements Op {
    }

    private record Close() implements Op {
    }

    private final RunStore store;
    private final int metricsStoredPerRun;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /** @param metricsStoredPerRun the most metrics rows kept per run (plus its newest; {@link MetricsThinning}) */
    StoreWriter(RunStore store, int metricsStoredPerRun) {
        this.store = store;
        this.metricsStoredPerRun = metricsStoredPerRun;
        this.thread = new Thread(this::loop, "dirpg-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    RunStore store() {
        return store;
    }

    /** The most metrics rows kept per run (plus its newest). */
    int metricsStoredPerRun() {
        return metricsStoredPerRun;
    }

    void put(RunRecord r) {
        offer(new Put(r));
    }

    /** Stores {@code m}; once committed, {@code log} hears that it is durable. */
    void metric(String runId, UpdateMetrics m, MetricsLog log) {
        offer(new Metric(runId, m, log));
    }

    void truncate(String runId, long from) {
        offer(new Truncate(runId, from));
    }

    void delete(String runId) {
        offer(new Delete(runId));
    }

    /** Waits (up to 30 s) until every write enqueued so far is committed. */
    void flush() {
        CountDownLatch done = new CountDownLatch(1);
        offer(new Flush(done));
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                LOG.warn("the run store did not commit within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void offer(Op op) {
        if (closed) {
            if (op instanceof Flush f) {
                f.done().countDown();
            }
            return;
        }
        queue.add(op);
    }

    private void loop() {
        List<Op> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH);
            boolean close = apply(batch);
            if (close) {
                return;
            }
        }
    }

    /** Applies one batch in one transaction, then tells logs and flushers; true if the batch held the close. */
    private boolean apply(List<Op> batch) {
        boolean close = false;
        Map<MetricsLog, Long> durable = new IdentityHashMap<>();
        try {
            List<UpdateMetrics> rows = new ArrayList<>();
            Metric rowsOf = null;
            for (Op op : batch) {
                if (op instanceof Metric m) {
                    if (rowsOf != null && rowsOf.log() != m.log()) {
                        append(rowsOf, rows);
                    }
                    rowsOf = m;
                    rows.add(m.metrics());
                    durable.merge(m.log(), m.metrics().getUpdate() + 1, Math::max);
                    continue;
                }
                if (rowsOf != null) {
                    append(rowsOf, rows);
                    rowsOf = null;
                }
                if (op instanceof Put p) {
                    store.put(p.run());
                } else if (op instanceof Truncate t) {
                    store.truncateMetrics(t.runId(), t.from());
                } else if (op instanceof Delete d) {
                    store.delete(d.runId());
                } else if (op instanceof Close) {
                    close = true;
                }
            }
            if (rowsOf != null) {
                append(rowsOf, rows);
            }
            store.commit();
        } catch (SQLException | RuntimeException e) {
            store.rollback();
            // The runs go on from memory; what failed to commit is lost to a restart, which the log says.
            LOG.error("the run store could not commit {} writes: {}", batch.size(), e.getMessage());
        }
        durable.forEach(MetricsLog::markDurable);
        for (Op op : batch) {
            if (op instanceof Flush f) {
                f.done().countDown();
            }
        }
        return close;
    }

    /** Stores one run's consecutive rows (thinned to the run's cap) and empties {@code rows}. */
    private void append(Metric of, List<UpdateMetrics> rows) throws SQLException {
        store.appendMetrics(of.runId(), rows, of.log().first(), metricsStoredPerRun);
        rows.clear();
    }

    /** Commits everything enqueued, stops the thread and closes the store. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        queue.add(new Close());
        closed = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
