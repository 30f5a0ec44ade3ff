package org.dirpg.env;

import java.util.SplittableRandom;

/**
 * Deterministic noise keys for the lazily realised state-reward tree S (Sec. 3).
 *
 * <p>Every node of S carries a 64-bit key. The root's key comes from the episode seed ({@link #root}), a child's from
 * its parent's key and the action taken ({@link #child}), and every random draw made at a node comes from a generator
 * seeded with that node's key ({@link #random}). Stepping the same (state, action) twice therefore realises the same
 * draw, a new seed realises a fresh tree, and no global generator is involved. The mixing function is the finaliser
 * of SplitMix64 (Steele, Lea and Flood, 2014), a bijection on 64-bit values with full avalanche.
 */
public final class NoiseKeys {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long ROOT_SALT = 0x5DEECE66DL;

    private NoiseKeys() {
    }

    /** SplitMix64's finaliser: a bijective mix of the 64 bits of {@code z}. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The key of the root of the tree drawn for an episode with {@code seed}. */
    public static long root(long seed) {
        return mix(mix(seed + ROOT_SALT) + GOLDEN_GAMMA);
    }

    /** The key of the child reached from a node with key {@code parentKey} by {@code action}. */
    public static long child(long parentKey, long action) {
        return mix(parentKey + GOLDEN_GAMMA * (action + 1));
    }

    /** A generator for the draws made at the node with {@code key}: the same key gives the same draws. */
    public static SplittableRandom random(long key) {
        return new SplittableRandom(key);
    }

    /** A uniform draw in [0, 1) determined by {@code key}. */
    public static double uniform(long key) {
        return (mix(key) >>> 11) * 0x1.0p-53;
    }
}
