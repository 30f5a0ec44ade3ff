package org.dirpg.gumbel;

import java.util.random.RandomGenerator;

/**
 * Gumbel machinery as pure functions (Maddison, Tarlow and Minka, A* Sampling; the paper's Sec. 2 and App. B).
 *
 * <p>A {@code Gumbel(m)} variable has CDF {@code exp(-exp(-(g - m)))}; the maximum of independent
 * {@code Gumbel(m_i)} is {@code Gumbel(log sum_i exp m_i)} and its argmax is distributed as {@code softmax(m)}.
 * Every draw takes its generator as an argument: nothing here holds randomness of its own.
 */
public final class Gumbels {
    private static final double LN_HALF = -0.6931471805599453;

    private Gumbels() {
    }

    /** A standard Gumbel(0) draw, {@code -log(-log U)} with U uniform on (0, 1). */
    public static double standard(RandomGenerator rng) {
        double u = rng.nextDouble();
        while (u == 0.0) {
            u = rng.nextDouble();
        }
        return -Math.log(-Math.log(u));
    }

    /** A Gumbel(location) draw. */
    public static double sample(double location, RandomGenerator rng) {
        return location + standard(rng);
    }

    /**
     * A draw from Gumbel(location) truncated to {@code (-inf, bound]}: the TruncGumbel(mu, G) of Algorithm 2,
     * line 11. Computed as {@code -logaddexp(-bound, -(location + Gumbel(0)))}, which equals Maddison's
     * {@code mu - log(Exp(1) + exp(mu - b))} but stays finite for {@code mu - b} of either sign and any size
     * (the exp form overflows at mu - b = +1000).
     *
     * @throws IllegalArgumentException if the bound is NaN
     */
    public static double truncated(double location, double bound, RandomGenerator rng) {
        if (Double.isNaN(bound) || Double.isNaN(location)) {
            throw new IllegalArgumentException("truncated Gumbel needs a location and bound that are numbers, got "
                    + location + " and " + bound);
        }
        if (location == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        if (bound == Double.POSITIVE_INFINITY) {
            return sample(location, rng);
        }
        double g = location + standard(rng);
        return -logAddExp(-bound, -g);
    }

    /** {@code log(exp(a) + exp(b))} without overflow. */
    public static double logAddExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double m = Math.max(a, b);
        return m + Math.log1p(Math.exp(-Math.abs(a - b)));
    }

    /** {@code log sum_i exp(x_i)} over all entries; {@code -inf} for an empty array or all {@code -inf}. */
    public static double logSumExp(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        if (m == Double.POSITIVE_INFINITY) {
            return m;
        }
        double s = 0.0;
        for (double v : x) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }

    /**
     * {@code log sum_{i in subset} exp(x_i)} where the subset is a bit mask over indices (bit i set = index i
     * included). The empty subset gives {@code -inf}; entries equal to {@code -inf} (illegal actions) add nothing.
     * This is the {@code log sum_{a in B} pi(a | s)} of eq. (22).
     */
    public static double logSumExp(double[] x, long subset) {
        double m = Double.NEGATIVE_INFINITY;
        for (long bits = subset; bits != 0; bits &= bits - 1) {
            int i = Long.numberOfTrailingZeros(bits);
            m = Math.max(m, x[i]);
        }
        if (m == Double.NEGATIVE_INFINITY || m == Double.POSITIVE_INFINITY) {
            return m;
        }
        double s = 0.0;
        for (long bits = subset; bits != 0; bits &= bits - 1) {
            int i = Long.numberOfTrailingZeros(bits);
            s += Math.exp(x[i] - m);
        }
        return m + Math.log(s);
    }

    /**
     * {@code log(1 - exp(x))} for {@code x <= 0}, accurate near both ends: {@code log(-expm1(x))} for
     * {@code x > -ln 2}, else {@code log1p(-exp(x))} (Maechler's rule).
     *
     * @throws IllegalArgumentException for {@code x > 0}, where the result is not a real number
     */
    public static double log1mExp(double x) {
        if (x > 0 || Double.isNaN(x)) {
            throw new IllegalArgumentException("log(1 - exp(x)) needs x <= 0, got " + x);
        }
        return x > LN_HALF ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
    }

    /**
     * Samples an index from the softmax of the log-weights restricted to {@code subset}, by Gumbel-argmax
     * over the subset (entries equal to {@code -inf} are never chosen).
     *
     * @throws IllegalArgumentException if no index in the subset has a finite log-weight
     */
    public static int sampleFromSubset(double[] logWeights, long subset, RandomGenerator rng) {
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (long bits = subset; bits != 0; bits &= bits - 1) {
            int i = Long.numberOfTrailingZeros(bits);
            if (logWeights[i] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double v = logWeights[i] + standard(rng);
            if (best < 0 || v > bestValue) {
                best = i;
                bestValue = v;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no action with positive probability in subset " + Long.toBinaryString(subset));
        }
        return best;
    }
}
