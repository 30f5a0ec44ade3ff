package org.dirpg.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.junit.jupiter.api.Test;

/** A rollout that hits maxSteps is truncated there (Gymnasium's TimeLimit), not an error. */
class RolloutTest {
    private final DeepSea sea = new DeepSea(7, 1.0, 20);
    private final LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(49, 2, 0.5, 1);

    @Test
    void anEpisodeLongerThanMaxStepsIsTruncatedToItsPrefix() {
        for (long seed = 0; seed < 20; seed++) {
            Rollout full = Rollout.sample(sea, policy, sea.reset(seed), new SplittableRandom(seed), 100);
            assertEquals(6, full.actions().length);
            assertFalse(full.truncated());
            assertTrue(full.finalState().isTerminal());
            for (int k = 1; k < 6; k++) {
                Rollout cut = Rollout.sample(sea, policy, sea.reset(seed), new SplittableRandom(seed), k);
                assertTrue(cut.truncated(), "cut at " + k);
                assertFalse(cut.finalState().isTerminal());
                assertEquals(k, cut.actions().length);
                assertEquals(k, cut.states().size());
                assertEquals(k, cut.interactions());
                assertArrayEquals(Arrays.copyOf(full.actions(), k), cut.actions(), "the same draws give the same prefix");
                assertArrayEquals(Arrays.copyOf(full.rewards(), k), cut.rewards());
            }
            Rollout exact = Rollout.sample(sea, policy, sea.reset(seed), new SplittableRandom(seed), 6);
            assertFalse(exact.truncated(), "an episode that ends on its last allowed step is terminated, not truncated");
        }
    }

    @Test
    void truncatedRolloutsCountAsFeasibleSamples() {
        Rollout r = Rollout.sampleFeasible(sea, policy, sea.reset(3), new SplittableRandom(3), 2);
        assertTrue(r.truncated());
        assertEquals(2, r.actions().length);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Rollout.sample(sea, policy, sea.reset(3), new SplittableRandom(3), 0)).getMessage().startsWith("max_steps"));
    }
}
