package org.dirpg.policy.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The observation cache keeps forward activations within its budget, and forgets them with theta. */
class LogitCacheTest {

    private static Network.Activations activations(int floats) {
        return new Network.Activations(new float[0][][], new float[][] {new float[floats - 3], new float[3]});
    }

    private static LogitCache.Key key(double v) {
        return LogitCache.key(new double[] {v, 1, 2});
    }

    @Test
    void keepsActivationsUntilTheBudgetIsSpentThenLogitsOnly() {
        LogitCache cache = new LogitCache(25);
        Network.Activations a = activations(10);
        cache.put(key(0), new double[] {1, 2, 3}, a);
        cache.put(key(1), new double[] {4, 5, 6}, activations(10));
        cache.put(key(2), new double[] {7, 8, 9}, activations(10)); // 30 > 25: not kept

        assertSame(a, cache.entry(key(0)).activations());
        assertNotNull(cache.entry(key(1)).activations());
        LogitCache.Entry third = cache.entry(key(2));
        assertNull(third.activations(), "the entry beyond the budget keeps its logits only");
        assertArrayEquals(new double[] {7, 8, 9}, third.logits());
        assertEquals(3, cache.hits());
    }

    @Test
    void clearingForANewThetaFreesTheBudget() {
        LogitCache cache = new LogitCache(10);
        cache.put(key(0), new double[] {1, 2, 3}, activations(10));
        cache.clear();
        assertNull(cache.get(key(0)));
        cache.put(key(1), new double[] {1, 2, 3}, activations(10));
        assertNotNull(cache.entry(key(1)).activations(), "a cleared cache has its whole budget again");
    }

    @Test
    void theGradientFromKeptActivationsIsTheGradientFromAFreshForwardPass() {
        NetSpec spec = SpaceNets.paperNetwork(org.dirpg.env.classic.Environments.make("JavaMiniGrid-MultiRoom-N6-v0",
                java.util.Map.of("actions", "0,1,2,5")).spec());
        Network net = new Network(spec, NetLayout.of(spec).initialParameters(3));
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        double[] features = new double[148];
        for (int i = 0; i < 147; i++) {
            features[i] = rng.nextInt(11);
        }
        features[147] = 2;
        double[] dLogits = {0.5, -0.25, 0.125, -0.375, 0, 0, 0};
        float[][][] fresh = net.newGradient();
        net.backward(features, dLogits, fresh);
        Network.Activations a = net.forward(features);
        for (int pass = 0; pass < 2; pass++) { // backward leaves the activations as they were: the second pass agrees
            float[][][] kept = net.newGradient();
            net.backward(a, dLogits, kept);
            for (int l = 0; l < fresh.length; l++) {
                for (int r = 0; r < fresh[l].length; r++) {
                    assertArrayEquals(fresh[l][r], kept[l][r], 0f, "pass " + pass + ", layer " + l + ", row " + r);
                }
            }
        }
    }

    @Test
    void keysAreEqualExactlyWhenObservationsAreAtEveryPackingAndLength() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
        for (int bound : new int[] {16, 256, 1000}) { // 4-bit, 8-bit and raw-double packings
            for (int length : new int[] {1, 15, 16, 17, 33, 148}) {
                double[] f = new double[length];
                for (int i = 0; i < length; i++) {
                    f[i] = bound == 1000 ? rng.nextDouble() * 10 : rng.nextInt(bound);
                }
                assertEquals(LogitCache.key(f), LogitCache.key(f.clone()));
                for (int i = 0; i < length; i++) {
                    double[] g = f.clone();
                    g[i] = bound == 1000 ? g[i] + 0.5 : (g[i] + 1) % bound;
                    org.junit.jupiter.api.Assertions.assertNotEquals(LogitCache.key(f), LogitCache.key(g),
                            "values < " + bound + ", length " + length + ", position " + i);
                }
            }
        }
    }
}
