package org.dirpg.server.train;

import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirpg.proto.train.v1.UpdateMetrics;

/**
 * The metrics history of one run: the newest {@code keep} entries in memory, every entry in the {@link RunStore}
 * (older ones are read back from there), with listeners told of every change.
 *
 * <p>Indices run {@code first, first + 1, ...}. Three marks move forward: {@link #endIndex()} (appended by the run's
 * worker), {@link #durableEnd()} (committed to the store; streams send only up to here, so a client never sees a
 * metric a crash could take back) and the end of the log ({@link #end()} after the last update, or {@link #abort}
 * when the server stops with the run unfinished). Readers call {@link #read} from any thread.
 */
final class MetricsLog {
    private final String runId;
    private final StoreWriter writer;
    private final int keep;
    private final long first;
    private final ArrayDeque<UpdateMetrics> recent = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long end;
    private volatile long durableEnd;
    private volatile boolean ended;
    private volatile Status aborted;

    /**
     * @param first the update index of the run's first entry
     * @param end   one past the newest entry already in the store (first for a new run)
     * @param keep  entries kept in memory
     */
    MetricsLog(String runId, StoreWriter writer, int keep, long first, long end) {
        this.runId = runId;
        this.writer = writer;
        this.keep = keep;
        this.first = first;
        this.end = end;
        this.durableEnd = end;
    }

    /** The update index of the first entry. */
    long first() {
        return first;
    }

    /** Records the metrics of the next update, and hands them to the store. */
    void append(UpdateMetrics m) {
        synchronized (recent) {
            if (ended || aborted != null) {
                throw new IllegalStateException("metrics log already ended");
            }
            if (m.getUpdate() != end) {
                throw new IllegalStateException("expected update " + end + ", got " + m.getUpdate());
            }
            recent.addLast(m);
            if (recent.size() > keep) {
                recent.removeFirst();
            }
            end++;
        }
        writer.metric(runId, m, this);
    }

    /** Called by the store's writer once every entry below {@code index} is committed. */
    void markDurable(long index) {
        if (index > durableEnd) {
            durableEnd = index;
        }
        notifyListeners();
    }

    /** The run ended: no more entries. */
    void end() {
        ended = true;
        notifyListeners();
    }

    /** The server is stopping with the run unfinished: streams end with {@code status}, not OK. */
    void abort(Status status) {
        if (!ended) {
            aborted = status;
            notifyListeners();
        }
    }

    boolean isEnded() {
        return ended;
    }

    /** Non-null once {@link #abort} was called on a run that had not ended. */
    Status abortStatus() {
        return aborted;
    }

    /** One past the last update index appended. */
    long endIndex() {
        synchronized (recent) {
            return end;
        }
    }

    /** One past the last update index committed to the store. */
    long durableEnd() {
        return durableEnd;
    }

    /**
     * Up to {@code max} committed entries from {@code from} on, in update order: from memory if held there, else from
     * the store, whose older rows are thinned ({@link MetricsThinning}), so update indices may skip.
     */
    List<UpdateMetrics> read(long from, int max) {
        long durable = durableEnd;
        if (from >= durable) {
            return List.of();
        }
        long oldest;
        synchronized (recent) {
            oldest = end - recent.size();
        }
        if (from < oldest) {
            // Older than memory: the store's rows in [from, oldest), thinned (MetricsThinning), so up to max rows
            // may span more than max updates; none left there means go on from memory.
            List<UpdateMetrics> stored = writer.store().readMetrics(runId, from, Math.min(durable, oldest), max);
            if (!stored.isEmpty() || durable <= oldest) {
                return stored;
            }
            from = oldest;
        }
        long to = Math.min(durable, from + max);
        synchronized (recent) {
            oldest = end - recent.size();
            if (from >= oldest) {
                List<UpdateMetrics> out = new ArrayList<>((int) (to - from));
                int i = 0;
                for (UpdateMetrics m : recent) {
                    long idx = oldest + i++;
                    if (idx >= to) {
                        break;
                    }
                    if (idx >= from) {
                        out.add(m);
                    }
                }
                return out;
            }
        }
        // Memory moved on since: read again.
        return read(from, max);
    }

    /** The newest metrics, or null before the first update. */
    UpdateMetrics latest() {
        synchronized (recent) {
            if (!recent.isEmpty()) {
                return recent.peekLast();
            }
            if (end == first) {
                return null;
            }
        }
        List<UpdateMetrics> last = writer.store().readMetrics(runId, endIndex() - 1, endIndex(), 1);
        return last.isEmpty() ? null : last.get(0);
    }

    void addListener(Runnable listener) {
        listeners.add(listener);
    }

    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** Streams currently following this log. */
    int listenerCount() {
        return listeners.size();
    }

    /** Listeners must not throw; one that does is dropped so that the run itself is never disturbed. */
    private void notifyListeners() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                listeners.remove(l);
            }
        }
    }
}
