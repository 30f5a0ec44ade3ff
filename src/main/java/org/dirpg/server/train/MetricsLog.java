package org.dirpg.server.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dirpg.proto.train.v1.UpdateMetrics;

/**
 * The append-only metrics history of one run, with listeners told of every append and of the end.
 *
 * <p>Call order: the run's worker calls {@link #append} once per update (indices {@code first, first + 1, ...}) and
 * {@link #end()} once when the run ends; readers call {@link #get}, {@link #size} and {@link #isEnded} from any thread,
 * reading {@code isEnded()} <em>before</em> {@code size()} so that an ended log's size is final. Every metric is kept
 * (about 100 bytes each), which bounds memory for runs of up to millions of updates.
 */
final class MetricsLog {
    private final long first;
    private final List<UpdateMetrics> entries = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    /** @param first the update index of the first entry (the updates a resumed run starts from) */
    MetricsLog(long first) {
        this.first = first;
    }

    /** The update index of the first entry. */
    long first() {
        return first;
    }

    void append(UpdateMetrics m) {
        synchronized (entries) {
            if (ended) {
                throw new IllegalStateException("metrics log already ended");
            }
            if (m.getUpdate() != first + entries.size()) {
                throw new IllegalStateException("expected update " + (first + entries.size()) + ", got " + m.getUpdate());
            }
            entries.add(m);
        }
        notifyListeners();
    }

    void end() {
        ended = true;
        notifyListeners();
    }

    boolean isEnded() {
        return ended;
    }

    /** One past the last update index held. */
    long endIndex() {
        synchronized (entries) {
            return first + entries.size();
        }
    }

    /** The metrics of update {@code index}, with {@code first() <= index < endIndex()}. */
    UpdateMetrics get(long index) {
        synchronized (entries) {
            return entries.get(Math.toIntExact(index - first));
        }
    }

    /** The newest metrics, or null before the first update. */
    UpdateMetrics latest() {
        synchronized (entries) {
            return entries.isEmpty() ? null : entries.get(entries.size() - 1);
        }
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
