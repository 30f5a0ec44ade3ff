package org.dirpg.env.minigrid;

/**
 * numpy's {@code SeedSequence(entropy)} for one non-negative integer entropy and no spawn key (what gymnasium's
 * {@code np_random(seed)} builds): the entropy's 32-bit words (least significant first) are hashed into a pool of four
 * words by {@code mix_entropy}, and {@code generate_state} hashes the pool into output words. All arithmetic is on
 * unsigned 32-bit words, as in numpy ({@code numpy/random/bit_generator.pyx}), after M.E. O'Neill's seed_seq design.
 */
final class SeedSequence {
    private static final int POOL_SIZE = 4;
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int XSHIFT = 16;

    private SeedSequence() {
    }

    /** {@code SeedSequence(seed).generate_state(n, uint64)} with {@code seed} read as an unsigned 64-bit value. */
    static long[] generateState64(long seed, int n) {
        int[] pool = pool(seed);
        int hashConst = INIT_B;
        long[] out = new long[n];
        for (int i = 0; i < 2 * n; i++) {
            int value = pool[i % POOL_SIZE];
            value ^= hashConst;
            hashConst *= MULT_B;
            value *= hashConst;
            value ^= value >>> XSHIFT;
            long word = Integer.toUnsignedLong(value);
            out[i / 2] |= (i % 2 == 0) ? word : word << 32;
        }
        return out;
    }

    private static int[] pool(long seed) {
        int[] entropy = Long.compareUnsigned(seed, 0xFFFFFFFFL) <= 0
                ? new int[] {(int) seed}
                : new int[] {(int) seed, (int) (seed >>> 32)};
        int[] hashConst = {INIT_A};
        int[] mixer = new int[POOL_SIZE];
        for (int i = 0; i < POOL_SIZE; i++) {
            mixer[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
        }
        for (int src = 0; src < POOL_SIZE; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                if (src != dst) {
                    mixer[dst] = mix(mixer[dst], hashmix(mixer[src], hashConst));
                }
            }
        }
        return mixer;
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        value ^= value >>> XSHIFT;
        return value;
    }

    private static int mix(int x, int y) {
        int result = MIX_MULT_L * x - MIX_MULT_R * y;
        result ^= result >>> XSHIFT;
        return result;
    }
}
