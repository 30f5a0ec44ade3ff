package org.dirpg.search;

/**
 * SplitMix64 (Steele, Lea and Flood, 2014): a keyed stream of uniform draws. Each region of the search owns a key, and
 * its two children get keys derived from it, so every random draw of the search is a function of (seed, region).
 */
final class SplitMix implements java.util.random.RandomGenerator {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    SplitMix(long key) {
        this.state = key;
    }

    static long mix(long z) {
        return org.dirpg.env.NoiseKeys.mix(z);
    }

    /** The key of a child derived from {@code key} with the label {@code label}. */
    static long derive(long key, long label) {
        return mix(key + GOLDEN * (label + 1) + 0x632BE59BD9B4E019L);
    }

    /** Restarts the stream at {@code key}. */
    void reseed(long key) {
        this.state = key;
    }

    @Override
    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform on [0, 1). */
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
