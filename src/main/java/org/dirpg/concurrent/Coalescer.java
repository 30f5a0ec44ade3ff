package org.dirpg.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Turns single calls made concurrently by several threads into batched calls: one dispatcher thread takes the oldest
 * pending request and every other request already waiting (up to {@code maxBatch}), makes one batch call, and hands
 * each caller its own result. Under load the batches fill by themselves (while one batch is in flight, the next
 * accumulates); with a single caller every batch has one item.
 *
 * <p>If a batch call fails, its items are retried one by one so that each caller gets the error its own request
 * caused. Call order: construct, {@link #call} from any threads, {@link #close()} once.
 */
public final class Coalescer<Q, R> implements AutoCloseable {
    private record Pending<Q, R>(Q request, CompletableFuture<R> result) {
    }

    private final LinkedBlockingQueue<Pending<Q, R>> queue = new LinkedBlockingQueue<>();
    private final Function<List<Q>, List<R>> batch;
    private final int maxBatch;
    private final Thread dispatcher;
    private volatile boolean closed;
    private long batches;
    private long items;

    /**
     * @param name     the dispatcher thread's name
     * @param batch    the batched call; result i belongs to request i
     * @param maxBatch the most requests in one batch
     */
    public Coalescer(String name, Function<List<Q>, List<R>> batch, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.batch = batch;
        this.maxBatch = maxBatch;
        this.dispatcher = new Thread(this::loop, name);
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    /** Makes {@code request} part of the next batch and waits for its result; rethrows its own failure. */
    public R call(Q request) {
        if (closed) {
            throw new IllegalStateException("the coalescer " + dispatcher.getName() + " is closed");
        }
        Pending<Q, R> p = new Pending<>(request, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** The mean number of requests per batch call so far. */
    public synchronized double meanBatchSize() {
        return batches == 0 ? 0 : (double) items / batches;
    }

    private void loop() {
        List<Pending<Q, R>> taken = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(taken, maxBatch - 1);
            dispatch(taken);
            taken.clear();
        }
        Pending<Q, R> p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(new IllegalStateException("the coalescer " + dispatcher.getName() + " closed"));
        }
    }

    private void dispatch(List<Pending<Q, R>> taken) {
        List<Q> requests = new ArrayList<>(taken.size());
        for (Pending<Q, R> p : taken) {
            requests.add(p.request());
        }
        try {
            List<R> results = batch.apply(requests);
            if (results.size() != taken.size()) {
                throw new IllegalStateException("a batch of " + taken.size() + " returned " + results.size() + " results");
            }
            synchronized (this) {
                batches++;
                items += taken.size();
            }
            for (int i = 0; i < taken.size(); i++) {
                taken.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            if (taken.size() == 1) {
                taken.get(0).result().completeExceptionally(e);
                return;
            }
            for (Pending<Q, R> p : taken) {
                dispatch(new ArrayList<>(List.of(p)));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        dispatcher.interrupt();
    }
}
