package org.dirpg.env.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GaussHermiteTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 20, 60, 150})
    void weightsArePositiveSumToOneAndNodesAscendSymmetrically(int n) {
        GaussHermite rule = new GaussHermite(n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(rule.weight(i) > 0);
            total += rule.weight(i);
            assertEquals(-rule.node(n - 1 - i), rule.node(i), 1e-10);
            if (i > 0) {
                assertTrue(rule.node(i) > rule.node(i - 1));
            }
        }
        assertEquals(1.0, total, 1e-12);
    }

    /** An n-node rule is exact for polynomials of degree < 2n: E[Z^(2k)] = (2k-1)!!, odd moments 0. */
    @ParameterizedTest
    @ValueSource(ints = {5, 20, 40})
    void reproducesTheNormalMomentsExactly(int n) {
        GaussHermite rule = new GaussHermite(n);
        double doubleFactorial = 1;
        for (int k = 1; 2 * k < 2 * n; k++) {
            int power = 2 * k;
            if (power >= 2 * n) {
                break;
            }
            doubleFactorial *= 2 * k - 1;
            double moment = rule.expectation(0, 1, x -> Math.pow(x, power));
            assertEquals(doubleFactorial, moment, 1e-9 * doubleFactorial, "E[Z^" + power + "]");
            double odd = rule.expectation(0, 1, x -> Math.pow(x, power - 1));
            assertEquals(0.0, odd, 1e-9 * doubleFactorial);
        }
    }

    @Test
    void meanAndVarianceOfAShiftedScaledNormal() {
        GaussHermite rule = new GaussHermite(20);
        assertEquals(1.5, rule.expectation(1.5, 2.0, x -> x), 1e-12);
        assertEquals(4.0, rule.expectation(1.5, 2.0, x -> (x - 1.5) * (x - 1.5)), 1e-12);
        // A smooth non-polynomial check: E[exp(Z)] = exp(1/2).
        assertEquals(Math.exp(0.5), rule.expectation(0, 1, Math::exp), 1e-12);
    }

    @Test
    void rejectsBadNodeCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GaussHermite(0));
        assertTrue(e.getMessage().contains("[1, 150]"));
        assertThrows(IllegalArgumentException.class, () -> new GaussHermite(151));
    }
}
