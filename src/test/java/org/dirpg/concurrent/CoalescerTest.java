package org.dirpg.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.policy.Adam;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.search.SearchConfig;
import org.dirpg.train.DirPGTrainer;
import org.dirpg.train.UpdateMetrics;
import org.junit.jupiter.api.Test;

/** Coalescing: every caller gets its own result or its own error, and concurrent callers share batches. */
class CoalescerTest {

    @Test
    void concurrentCallersGetTheirOwnResultsInSharedBatches() throws Exception {
        try (Coalescer<Integer, Integer> c = new Coalescer<>("test", xs -> {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return xs.stream().map(x -> x * x).toList();
        }, 8)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> out = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int x = i;
                out.add(pool.submit(() -> c.call(x)));
            }
            for (int i = 0; i < 400; i++) {
                assertEquals(i * i, out.get(i).get());
            }
            pool.shutdown();
            assertTrue(c.meanBatchSize() > 2, "8 concurrent callers should share batches: " + c.meanBatchSize());
        }
    }

    @Test
    void aFailingRequestFailsOnlyItsOwnCaller() throws Exception {
        try (Coalescer<Integer, Integer> c = new Coalescer<>("test", xs -> {
            for (int x : xs) {
                if (x < 0) {
                    throw new IllegalArgumentException("negative request " + x);
                }
            }
            return xs;
        }, 16)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> out = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int x = i % 10 == 0 ? -i - 1 : i;
                out.add(pool.submit(() -> c.call(x)));
            }
            for (int i = 0; i < 200; i++) {
                if (i % 10 == 0) {
                    int k = i;
                    Exception e = assertThrows(Exception.class, () -> out.get(k).get());
                    assertTrue(e.getCause() instanceof IllegalArgumentException);
                    assertEquals("negative request " + (-i - 1), e.getCause().getMessage());
                } else {
                    assertEquals(i, out.get(i).get());
                }
            }
            pool.shutdown();
        }
    }

    /** K searches in flight through the coalescers: a seed still fixes the whole run. */
    @Test
    void dirpgWithSearchesInFlightIsDeterministic() {
        List<List<UpdateMetrics>> runs = new ArrayList<>();
        List<double[]> params = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            DeepSea sea = new DeepSea();
            LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0, 0);
            List<UpdateMetrics> m = new ArrayList<>();
            try (DirPGTrainer t = new DirPGTrainer(sea, policy, SearchConfig.gumbel(1.0, 1000, false), new Adam(0.01), 9, 4)) {
                for (int u = 0; u < 100; u++) {
                    m.add(t.update());
                }
            }
            runs.add(m);
            params.add(policy.parameters());
        }
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(java.util.Arrays.toString(params.get(0)), java.util.Arrays.toString(params.get(1)));
        assertTrue(runs.get(0).stream().allMatch(m -> m.candidates() >= 4), "each update searches 4 episodes");
    }
}
