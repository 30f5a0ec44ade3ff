package org.dirpg.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Independent, seeded jobs on a few threads; results in job order, so they do not depend on the thread count. */
final class Parallel {
    private Parallel() {
    }

    static <T> List<T> map(int jobs, int threads, IntFunction<T> job) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
        }
        if (threads == 1) {
            List<T> out = new ArrayList<>(jobs);
            for (int i = 0; i < jobs; i++) {
                out.add(job.apply(i));
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "experiment-job");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(jobs);
            for (int i = 0; i < jobs; i++) {
                int index = i;
                futures.add(pool.submit(() -> job.apply(index)));
            }
            List<T> out = new ArrayList<>(jobs);
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
