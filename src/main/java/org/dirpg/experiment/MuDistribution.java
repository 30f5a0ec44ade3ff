package org.dirpg.experiment;

import java.util.Locale;
import java.util.SplittableRandom;
import org.dirpg.env.classic.SpanningTreeBandit;

/**
 * How the per-edge means mu_e of a spanning-tree bandit (Sec. 6.1) are drawn; the paper does not say, so it is a
 * setting. Written as {@code uniform} (mu_e ~ Uniform(0, 1), the default and {@link SpanningTreeBandit#complete}'s),
 * {@code uniform:LO:HI} (mu_e ~ Uniform(LO, HI), 0 <= LO < HI; e.g. {@code uniform:0.4:0.6} makes all trees nearly
 * equally good, a harder instance with small gaps), or {@code exp:MEAN} (mu_e ~ Exponential with that mean: a few
 * edges much better than the rest).
 *
 * @param kind "uniform" or "exp"
 * @param a    LO for uniform, MEAN for exp
 * @param b    HI for uniform, unused (NaN) for exp
 */
public record MuDistribution(String kind, double a, double b) {
    public static final MuDistribution UNIFORM = new MuDistribution("uniform", 0, 1);

    public MuDistribution {
        if (kind.equals("uniform")) {
            if (!(a >= 0 && b > a) || Double.isInfinite(b)) {
                throw new IllegalArgumentException("mu: uniform:LO:HI needs finite 0 <= LO < HI, got " + a + ", " + b);
            }
        } else if (kind.equals("exp")) {
            if (!(a > 0) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("mu: exp:MEAN needs a finite MEAN > 0, got " + a);
            }
        } else {
            throw new IllegalArgumentException("mu: expected uniform, uniform:LO:HI or exp:MEAN, got '" + kind + "'");
        }
    }

    /** Parses {@code uniform}, {@code uniform:LO:HI} or {@code exp:MEAN}. */
    public static MuDistribution parse(String spec) {
        String[] f = spec.strip().split(":");
        try {
            if (f[0].equals("uniform") && f.length == 1) {
                return UNIFORM;
            }
            if (f[0].equals("uniform") && f.length == 3) {
                return new MuDistribution("uniform", Double.parseDouble(f[1]), Double.parseDouble(f[2]));
            }
            if (f[0].equals("exp") && f.length == 2) {
                return new MuDistribution("exp", Double.parseDouble(f[1]), Double.NaN);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mu: cannot read a number in '" + spec + "'");
        }
        throw new IllegalArgumentException("mu: expected uniform, uniform:LO:HI or exp:MEAN, got '" + spec + "'");
    }

    /** |E| means drawn with {@code seed}. */
    public double[] draw(int edges, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] mu = new double[edges];
        for (int e = 0; e < edges; e++) {
            mu[e] = kind.equals("uniform") ? a + (b - a) * rng.nextDouble() : -a * Math.log1p(-rng.nextDouble());
        }
        return mu;
    }

    /** The complete graph K_n with means from this distribution. */
    public SpanningTreeBandit completeGraph(int nodes, long seed) {
        int[][] edges = SpanningTreeBandit.completeGraph(nodes);
        return new SpanningTreeBandit(nodes, edges, draw(edges.length, seed));
    }

    @Override
    public String toString() {
        return kind.equals("uniform") ? String.format(Locale.ROOT, "uniform(%s, %s)", num(a), num(b))
                : String.format(Locale.ROOT, "exponential(mean %s)", num(a));
    }

    private static String num(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }
}
