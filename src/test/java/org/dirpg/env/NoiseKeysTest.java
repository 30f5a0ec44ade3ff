package org.dirpg.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoiseKeysTest {

    @Test
    void keysAreDeterministicAndDistinctAcrossActionsParentsAndSeeds() {
        assertEquals(NoiseKeys.child(NoiseKeys.root(5), 2), NoiseKeys.child(NoiseKeys.root(5), 2));
        Set<Long> keys = new HashSet<>();
        for (long seed = 0; seed < 100; seed++) {
            long root = NoiseKeys.root(seed);
            assertTrue(keys.add(root));
            for (int a = 0; a < 64; a++) {
                assertTrue(keys.add(NoiseKeys.child(root, a)), "collision at seed " + seed + " action " + a);
            }
        }
    }

    /** Uniform draws from the keys of sibling nodes pass Kolmogorov-Smirnov against Uniform(0, 1). */
    @Test
    void uniformDrawsOfSiblingKeysAreUniform() {
        int n = 5000;
        double[] u = new double[n];
        long parent = NoiseKeys.root(1);
        for (int i = 0; i < n; i++) {
            u[i] = NoiseKeys.uniform(NoiseKeys.child(parent, i));
            assertTrue(u[i] >= 0 && u[i] < 1);
        }
        Arrays.sort(u);
        double d = 0;
        for (int i = 0; i < n; i++) {
            d = Math.max(d, Math.max(u[i] - (double) i / n, (i + 1.0) / n - u[i]));
        }
        assertTrue(d < 1.95 / Math.sqrt(n), "KS distance " + d);
    }

    /** Draws at a child and at its sibling are uncorrelated (|r| within 4 standard errors of 0). */
    @Test
    void siblingDrawsAreUncorrelated() {
        int n = 5000;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            long root = NoiseKeys.root(i);
            sxy += (NoiseKeys.uniform(NoiseKeys.child(root, 0)) - 0.5) * (NoiseKeys.uniform(NoiseKeys.child(root, 1)) - 0.5);
        }
        double r = sxy / n * 12;
        assertTrue(Math.abs(r) < 4 / Math.sqrt(n), "correlation " + r);
    }
}
