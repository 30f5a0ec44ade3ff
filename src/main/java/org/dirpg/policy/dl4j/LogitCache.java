package org.dirpg.policy.dl4j;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logits by observation for one theta: within a search theta is fixed, and many MiniGrid search nodes share an
 * observation (the same view reached by different paths, turning back and forth, no-op actions), so a node whose
 * observation was seen before costs a lookup instead of a forward pass. The key packs each image value into 4 bits
 * (MiniGrid's object, colour and state indices are all below 16) and the direction into 2, exactly: no collisions.
 * Cleared whenever theta changes and when it holds {@link #CAPACITY} entries. Thread-safe.
 */
final class LogitCache {
    static final int CAPACITY = 1 << 18;
    private static final int WORDS = (MiniGridObservation.IMAGE_LENGTH * 4 + 2 + 63) / 64;

    private final ConcurrentHashMap<Key, double[]> logits = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** The packed key of an observation, or null when a value does not fit (then the caller does not cache). */
    static Key key(double[] features) {
        if (features.length != MiniGridObservation.FEATURE_LENGTH) {
            return null;
        }
        long[] words = new long[WORDS];
        for (int i = 0; i < features.length; i++) {
            double v = features[i];
            int bits = i < MiniGridObservation.IMAGE_LENGTH ? 4 : 2;
            if (!(v >= 0 && v < (1 << bits) && v == Math.rint(v))) {
                return null;
            }
            int at = i * 4;
            words[at >>> 6] |= ((long) v) << (at & 63);
        }
        return new Key(words);
    }

    double[] get(Key key) {
        double[] found = logits.get(key);
        (found == null ? misses : hits).incrementAndGet();
        return found;
    }

    void put(Key key, double[] value) {
        if (logits.size() >= CAPACITY) {
            logits.clear();
        }
        logits.put(key, value);
    }

    void clear() {
        logits.clear();
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }

    /** An exact packed observation. */
    static final class Key {
        private final long[] words;
        private final int hash;

        Key(long[] words) {
            this.words = words;
            this.hash = Arrays.hashCode(words);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.words, words);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
