package org.dirpg.env;

import java.util.StringJoiner;

/** Bit-mask action sets: the allowed set B of a search region and the legal actions of a state. */
public final class ActionSets {
    private ActionSets() {
    }

    public static boolean contains(long set, int action) {
        return (set & (1L << action)) != 0;
    }

    public static long remove(long set, int action) {
        return set & ~(1L << action);
    }

    public static int size(long set) {
        return Long.bitCount(set);
    }

    public static long of(int... actions) {
        long s = 0;
        for (int a : actions) {
            s |= 1L << a;
        }
        return s;
    }

    /** The set as "{0, 2, 5}". */
    public static String toString(long set) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        for (long bits = set; bits != 0; bits &= bits - 1) {
            j.add(Integer.toString(Long.numberOfTrailingZeros(bits)));
        }
        return j.toString();
    }
}
