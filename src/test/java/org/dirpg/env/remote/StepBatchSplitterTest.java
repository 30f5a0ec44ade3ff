package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StepBatchSplitterTest {
    @Test
    void chunksAreConsecutiveCoverEveryItemAndFitTheLimit() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int[] tokens = rng.ints(rng.nextInt(0, 300), 10, 3000).toArray();
            int obs = rng.nextInt(0, 500);
            int max = rng.nextInt(1024, 64 * 1024);
            List<int[]> chunks = StepBatchSplitter.chunks(tokens, obs, 8, max);
            int next = 0;
            for (int[] c : chunks) {
                assertEquals(next, c[0]);
                assertTrue(c[1] > c[0]);
                long bytes = StepBatchSplitter.MESSAGE_OVERHEAD + 8;
                for (int i = c[0]; i < c[1]; i++) {
                    bytes += tokens[i] + 2L * StepBatchSplitter.ITEM_OVERHEAD + obs;
                }
                assertTrue(c[1] - c[0] == 1 || bytes <= max, "chunk of " + (c[1] - c[0]) + " items: " + bytes + " > " + max);
                next = c[1];
            }
            assertEquals(tokens.length, next);
        }
    }

    @Test
    void aBatchThatFitsIsOneCallAndAnOversizedItemGoesAlone() {
        assertEquals(1, StepBatchSplitter.chunks(new int[64], 100, 8, 1 << 20).size());
        List<int[]> chunks = StepBatchSplitter.chunks(new int[] {10, 5000, 10}, 0, 8, 1024);
        assertEquals(3, chunks.size());
        assertArrayEquals(new int[] {1, 2}, chunks.get(1));
    }

    @Test
    void aChunkHoldsAtMostMaxItemsBelowTheServersCap() {
        List<int[]> chunks = StepBatchSplitter.chunks(new int[2500], 10, 8, 64 << 20);
        assertEquals(List.of(1024, 1024, 452), chunks.stream().map(c -> c[1] - c[0]).toList());
        assertTrue(StepBatchSplitter.MAX_ITEMS <= org.dirpg.server.env.EnvironmentServiceImpl.DEFAULT_MAX_BATCH_ITEMS);
    }
}
