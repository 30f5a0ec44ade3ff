package org.dirpg.policy.net;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logits by observation for one theta: within a search theta is fixed, and many search nodes share an observation
 * (the same view reached by different paths, no-op actions), so a node whose observation was seen before costs a
 * lookup instead of a forward pass. An entry also keeps the forward pass's activations while they fit in
 * {@link #MAX_ACTIVATION_FLOATS} (64 MiB), so the gradient (eq. 10), whose steps are observations the search already
 * evaluated, back-propagates without running the forward pass again. The key is the observation itself, packed
 * exactly: 4 bits a value when every value is an integer in 0..15 (MiniGrid's views), 8 bits when in 0..255
 * (pixels), else the doubles' bits; no collisions. Cleared whenever theta changes and when it holds its capacity (at
 * most 2^18 entries, fewer for large observations). Thread-safe.
 */
public final class LogitCache {
    private static final int MAX_ENTRIES = 1 << 18;
    private static final long MAX_WORDS = 1L << 24;

    /** The activations all entries may hold together, in floats: beyond it, entries keep their logits only. */
    static final long MAX_ACTIVATION_FLOATS = 1L << 24;

    private final ConcurrentHashMap<Key, Entry> logits = new ConcurrentHashMap<>();
    private final LongAdder activationFloats = new LongAdder();
    // counted on every lookup by every search thread: LongAdders, so K threads do not contend on one cache line
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private volatile int capacity = MAX_ENTRIES;
    private final long maxActivationFloats;

    /** A cache whose entries keep activations up to {@link #MAX_ACTIVATION_FLOATS}. */
    public LogitCache() {
        this(MAX_ACTIVATION_FLOATS);
    }

    /** A cache whose entries keep activations up to {@code maxActivationFloats} floats in all. */
    LogitCache(long maxActivationFloats) {
        this.maxActivationFloats = maxActivationFloats;
    }

    /** The exact packed key of an observation. */
    public static Key key(double[] features) {
        // MiniGrid's views (every value in 0..15) packed in the same pass that checks them; anything else packed by
        // the general path, which finds the width first
        long[] words = new long[(features.length + 15) / 16];
        int word = 0;
        int shift = 0;
        for (double v : features) {
            long l = (long) v;
            if (!(v >= 0 && l == v && l < 16)) {
                return wideKey(features);
            }
            words[word] |= l << shift;
            shift += 4;
            if (shift == 64) {
                shift = 0;
                word++;
            }
        }
        return new Key(words, 4);
    }

    /** {@link #key} when some value is not an integer in 0..15. */
    private static Key wideKey(double[] features) {
        int bits = 4;
        for (double v : features) {
            if (!(v >= 0 && v == Math.rint(v) && v < 256)) {
                bits = 64;
                break;
            }
            if (v >= 16) {
                bits = 8;
            }
        }
        if (bits == 64) {
            long[] words = new long[features.length];
            for (int i = 0; i < features.length; i++) {
                words[i] = Double.doubleToLongBits(features[i]);
            }
            return new Key(words, 64);
        }
        int perWord = 64 / bits;
        long[] words = new long[(features.length + perWord - 1) / perWord];
        // value i goes to word i / perWord at bit (i % perWord) * bits, walked without dividing
        int word = 0;
        int shift = 0;
        for (double v : features) {
            words[word] |= ((long) v) << shift;
            shift += bits;
            if (shift == 64) {
                shift = 0;
                word++;
            }
        }
        return new Key(words, bits);
    }

    /** The cached logits of {@code key}, or null (counted as a miss). */
    public double[] get(Key key) {
        Entry e = entry(key);
        return e == null ? null : e.logits();
    }

    /** The cached entry of {@code key}, or null (counted as a miss). */
    Entry entry(Key key) {
        Entry found = logits.get(key);
        (found == null ? misses : hits).increment();
        return found;
    }

    /** Caches {@code value} for {@code key}, first emptying the cache when it is full. */
    public void put(Key key, double[] value) {
        put(key, value, null);
    }

    /**
     * Caches {@code value} for {@code key} with the forward pass's {@code activations} (null: none) if they fit the
     * budget, first emptying the cache when it is full.
     */
    void put(Key key, double[] value, Network.Activations activations) {
        if (logits.isEmpty()) {
            capacity = (int) Math.max(1, Math.min(MAX_ENTRIES, MAX_WORDS / Math.max(1, key.words.length)));
        }
        if (logits.size() >= capacity) {
            clear();
        }
        if (activations != null && activationFloats.sum() + activations.floats() > maxActivationFloats) {
            activations = null;
        }
        if (activations != null) {
            activationFloats.add(activations.floats());
        }
        logits.put(key, new Entry(value, activations));
    }

    /** Empties the cache (theta changed). */
    public void clear() {
        logits.clear();
        activationFloats.reset();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    /** An observation's logits and, when kept, the activations that produced them. */
    record Entry(double[] logits, Network.Activations activations) {
    }

    /** An exact packed observation. */
    public static final class Key {
        private final long[] words;
        private final int bits;
        private final int hash;

        Key(long[] words, int bits) {
            this.words = words;
            this.bits = bits;
            this.hash = Arrays.hashCode(words) * 31 + bits;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.bits == bits && Arrays.equals(k.words, words);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
