package org.dirpg.env.minigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * numpy's generator reproduced. The expected values were printed by numpy 2.4 itself:
 * {@code g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(s)))}, then
 * {@code g.bit_generator.random_raw()} and {@code [g.integers(0, k) for k in (2, 5, 23, 7, 100000, 2**40)]}
 * (the full map-generation path is checked against real MiniGrid by MiniGridTwinDifferentialTest).
 */
class Pcg64Test {
    @Test
    void matchesNumpyForSmallLargeAndUnsignedSeeds() {
        long[][] expected = {
            {0, Long.parseUnsignedLong("11749869230777074271"), 1, 1, 7, 0, 7524, 894200084524L},
            {42, Long.parseUnsignedLong("14276969152011380360"), 1, 2, 9, 6, 8594, 103549089075L},
            {4294967301L, Long.parseUnsignedLong("14281546376153053393"), 1, 2, 20, 4, 84839, 591467908560L},
            {-1L, Long.parseUnsignedLong("12544278110101001871"), 1, 4, 8, 0, 10013, 141798774938L},
        };
        long[] bounds = {2, 5, 23, 7, 100000, 1L << 40};
        for (long[] row : expected) {
            Pcg64 g = Pcg64.seeded(row[0]);
            assertEquals(row[1], g.nextLong(), "seed " + Long.toUnsignedString(row[0]) + ": raw output");
            for (int i = 0; i < bounds.length; i++) {
                assertEquals(row[2 + i], g.integers(0, bounds[i]), "seed " + Long.toUnsignedString(row[0]) + ": integers(0, " + bounds[i] + ")");
            }
        }
    }

    @Test
    void integersStaysInItsRangeAndRejectsAnEmptyOne() {
        Pcg64 g = Pcg64.seeded(7);
        for (int i = 0; i < 10_000; i++) {
            long v = g.integers(-3, 4);
            assertTrue(v >= -3 && v < 4, "value " + v);
        }
        assertEquals(5, g.integers(5, 6));
        assertThrows(IllegalArgumentException.class, () -> g.integers(3, 3));
    }
}
