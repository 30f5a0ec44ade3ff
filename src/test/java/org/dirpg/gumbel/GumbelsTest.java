package org.dirpg.gumbel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Gumbel machinery against closed forms: CDFs by Kolmogorov–Smirnov, stable functions at their extremes. */
class GumbelsTest {
    /** The KS critical value at p = 0.001 for n samples: 1.95 / sqrt(n). */
    private static double ksCritical(int n) {
        return 1.95 / Math.sqrt(n);
    }

    private static double ks(double[] xs, java.util.function.DoubleUnaryOperator cdf) {
        double[] s = xs.clone();
        Arrays.sort(s);
        double d = 0;
        for (int i = 0; i < s.length; i++) {
            double f = cdf.applyAsDouble(s[i]);
            d = Math.max(d, Math.max((i + 1.0) / s.length - f, f - (double) i / s.length));
        }
        return d;
    }

    @Test
    void gumbelHasTheGumbelCdf() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 20_000;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Gumbels.sample(0.7, rng);
        }
        double d = ks(x, g -> Math.exp(-Math.exp(-(g - 0.7))));
        assertTrue(d < ksCritical(n), "KS distance " + d);
    }

    /** TruncGumbel(m, b) has CDF F(g) / F(b) on g <= b, with F the Gumbel(m) CDF (App. B). */
    @Test
    void truncatedGumbelHasTheTruncatedCdfAndNeverExceedsItsBound() {
        SplittableRandom rng = new SplittableRandom(2);
        int n = 20_000;
        for (double[] mb : new double[][] {{0.0, 0.5}, {2.0, -1.0}, {-3.0, 4.0}}) {
            double m = mb[0];
            double b = mb[1];
            double fb = Math.exp(-Math.exp(-(b - m)));
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = Gumbels.truncated(m, b, rng);
                assertTrue(x[i] <= b, x[i] + " exceeds the bound " + b);
            }
            double d = ks(x, g -> Math.min(1.0, Math.exp(-Math.exp(-(g - m))) / fb));
            assertTrue(d < ksCritical(n), "m " + m + ", b " + b + ": KS distance " + d);
        }
    }

    @Test
    void truncatedGumbelStaysFiniteFarFromItsBound() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            double high = Gumbels.truncated(1000.0, 0.0, rng); // m - b = +1000: pinned just below the bound
            assertTrue(Double.isFinite(high) && high <= 0.0 && high > -1e-6, "m - b = 1000 gave " + high);
            double low = Gumbels.truncated(-1000.0, 0.0, rng); // m - b = -1000: the bound hardly matters
            assertTrue(Double.isFinite(low) && low < -900 && low <= 0.0, "m - b = -1000 gave " + low);
        }
        assertEquals(Double.NEGATIVE_INFINITY, Gumbels.truncated(Double.NEGATIVE_INFINITY, 1.0, rng));
        assertThrows(IllegalArgumentException.class, () -> Gumbels.truncated(0.0, Double.NaN, rng));
    }

    @Test
    void logSumExpOverSubsetsHandlesIllegalAndEmpty() {
        double[] x = {1.0, Double.NEGATIVE_INFINITY, 1000.0, -1000.0};
        assertEquals(1000.0, Gumbels.logSumExp(x), 1e-12);
        assertEquals(Math.log(Math.exp(1.0) + Math.exp(-1000.0 + 1000.0 - 1000.0)), Gumbels.logSumExp(x, 0b1001), 1e-12);
        assertEquals(1.0, Gumbels.logSumExp(x, 0b0011), 0.0, "an illegal action (-inf) adds nothing");
        assertEquals(Double.NEGATIVE_INFINITY, Gumbels.logSumExp(x, 0L), "the empty subset");
        assertEquals(Double.NEGATIVE_INFINITY, Gumbels.logSumExp(x, 0b0010), "only illegal actions");
        assertEquals(Math.log(2) + 3.0, Gumbels.logAddExp(3.0, 3.0), 1e-15);
    }

    @Test
    void log1mExpIsAccurateAtBothEnds() {
        assertEquals(Math.log(1 - Math.exp(-2.0)), Gumbels.log1mExp(-2.0), 1e-15);
        assertEquals(Math.log(1e-20), Gumbels.log1mExp(-1e-20), 1e-12, "near 0: log(-expm1(x))");
        assertEquals(-Math.exp(-50.0), Gumbels.log1mExp(-50.0), 1e-30, "far below: log1p(-exp(x))");
        assertEquals(Double.NEGATIVE_INFINITY, Gumbels.log1mExp(0.0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Gumbels.log1mExp(0.1)).getMessage().contains("x <= 0"));
    }

    /** Gumbel-argmax over a subset samples the renormalised softmax (chi-square, p = 0.001). */
    @Test
    void sampleFromSubsetIsTheMaskedSoftmax() {
        double[] logits = {0.3, -1.0, Double.NEGATIVE_INFINITY, 1.2, 0.0};
        long subset = 0b11101; // actions 0, 2 (illegal), 3, 4
        double z = Math.exp(0.3) + Math.exp(1.2) + Math.exp(0.0);
        double[] p = {Math.exp(0.3) / z, Math.exp(1.2) / z, 1.0 / z};
        int[] index = {0, -1, -1, 1, 2};
        long[] counts = new long[3];
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 30_000; i++) {
            counts[index[Gumbels.sampleFromSubset(logits, subset, rng)]]++;
        }
        double stat = 0;
        for (int k = 0; k < 3; k++) {
            double e = 30_000 * p[k];
            stat += (counts[k] - e) * (counts[k] - e) / e;
        }
        assertTrue(stat < 13.8, "chi-square " + stat + " (df 2, p = 0.001: 13.8)");
        assertThrows(IllegalArgumentException.class, () -> Gumbels.sampleFromSubset(logits, 0b100, rng));
    }
}
