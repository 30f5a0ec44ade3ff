package org.dirpg.env.minigrid;

/**
 * numpy's {@code Generator(PCG64(SeedSequence(seed)))}, reproduced bit for bit for what MiniGrid's map generation
 * draws: {@link #integers(long, long)} is numpy's {@code Generator.integers(low, high)} (int64, high exclusive).
 *
 * <ul>
 *   <li>Seeding: numpy's {@code SeedSequence} (O'Neill's seed_seq hash, pool of four 32-bit words) turns the seed into
 *       four 64-bit words; the first two are PCG64's initial state (high word first), the last two its stream
 *       ({@code pcg64_set_seed}); then PCG's {@code srandom}: state = 0, inc = (stream << 1) | 1, step, state += seed,
 *       step.</li>
 *   <li>PCG64 is the 128-bit LCG with XSL-RR output (O'Neill 2014): step first, then output the new state.</li>
 *   <li>32-bit draws use numpy's buffer: one 64-bit output serves two draws, low half first.</li>
 *   <li>Bounded integers whose range fits 32 bits use Lemire's nearly divisionless rejection method on 32-bit draws,
 *       exactly as numpy's {@code buffered_bounded_lemire_uint32}; larger ranges use the 64-bit variant.</li>
 * </ul>
 * Not thread-safe; one generator per map generation.
 */
public final class Pcg64 {
    private static final long MULT_HI = 0x2360ED051FC65DA4L;
    private static final long MULT_LO = 0x4385DF649FCCF645L;

    private long stateHi;
    private long stateLo;
    private final long incHi;
    private final long incLo;
    private boolean hasUint32;
    private int uinteger;

    /** The generator gymnasium's {@code np_random(seed)} makes for a non-negative seed (read as unsigned 64 bits). */
    public static Pcg64 seeded(long seed) {
        long[] words = SeedSequence.generateState64(seed, 4);
        return new Pcg64(words[0], words[1], words[2], words[3]);
    }

    /** PCG's {@code srandom(initstate, initseq)} with 128-bit values given as (high, low) words. */
    Pcg64(long seedHi, long seedLo, long seqHi, long seqLo) {
        incHi = (seqHi << 1) | (seqLo >>> 63);
        incLo = (seqLo << 1) | 1L;
        stateHi = 0;
        stateLo = 0;
        step();
        long lo = stateLo + seedLo;
        long carry = Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0;
        stateHi = stateHi + seedHi + carry;
        stateLo = lo;
        step();
    }

    private void step() {
        long lo = stateLo * MULT_LO;
        long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateLo * MULT_HI + stateHi * MULT_LO;
        long sumLo = lo + incLo;
        long carry = Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0;
        stateHi = hi + incHi + carry;
        stateLo = sumLo;
    }

    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** The next 64-bit output (numpy's {@code next_uint64}). */
    public long nextLong() {
        step();
        return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
    }

    /** The next 32-bit output (numpy's {@code next_uint32}: halves of one 64-bit output, low half first). */
    public int nextInt() {
        if (hasUint32) {
            hasUint32 = false;
            return uinteger;
        }
        long next = nextLong();
        hasUint32 = true;
        uinteger = (int) (next >>> 32);
        return (int) next;
    }

    /** numpy's {@code Generator.integers(low, high)} for int64: uniform on [low, high). */
    public long integers(long low, long high) {
        if (high <= low) {
            throw new IllegalArgumentException("integers needs low < high, got [" + low + ", " + high + ")");
        }
        long rng = high - 1 - low;
        if (rng == 0) {
            return low;
        }
        if (Long.compareUnsigned(rng, 0xFFFFFFFFL) <= 0) {
            if (rng == 0xFFFFFFFFL) {
                return low + Integer.toUnsignedLong(nextInt());
            }
            return low + boundedLemire32(rng + 1);
        }
        return low + boundedLemire64(rng);
    }

    /** numpy's {@code buffered_bounded_lemire_uint32}: uniform on [0, rangeExcl) for rangeExcl <= 2^32 - 1. */
    private long boundedLemire32(long rangeExcl) {
        long m = Integer.toUnsignedLong(nextInt()) * rangeExcl;
        long leftover = m & 0xFFFFFFFFL;
        if (leftover < rangeExcl) {
            long threshold = (0x1_0000_0000L - rangeExcl) % rangeExcl;
            while (leftover < threshold) {
                m = Integer.toUnsignedLong(nextInt()) * rangeExcl;
                leftover = m & 0xFFFFFFFFL;
            }
        }
        return m >>> 32;
    }

    /** numpy's {@code bounded_lemire_uint64}: uniform on [0, rng] for rng < 2^64 - 1. */
    private long boundedLemire64(long rng) {
        long rangeExcl = rng + 1;
        long x = nextLong();
        long hi = unsignedMultiplyHigh(x, rangeExcl);
        long leftover = x * rangeExcl;
        if (Long.compareUnsigned(leftover, rangeExcl) < 0) {
            long threshold = Long.remainderUnsigned(-rangeExcl, rangeExcl);
            while (Long.compareUnsigned(leftover, threshold) < 0) {
                x = nextLong();
                hi = unsignedMultiplyHigh(x, rangeExcl);
                leftover = x * rangeExcl;
            }
        }
        return hi;
    }
}
