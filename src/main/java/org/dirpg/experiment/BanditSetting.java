package org.dirpg.experiment;

import java.util.Locale;

/**
 * The setting of a spanning-tree bandit run (Sec. 6.1, Fig. 2a/2b), every choice explicit.
 *
 * @param nodes        n, the complete graph K_n (3 .. 11: at most 64 edges)
 * @param epsilon      DirPG's eps of eq. (6) (the paper does not state it for the bandit; 1 by default)
 * @param mu           how the per-edge means mu_e are drawn; run r uses mu seed 1000 + r for every method
 * @param learningRate DirPG's Adam step size on the per-edge logits theta_e
 * @param budget       DirPG's search budget in interactions (the paper: 100), with early stop on the first improvement
 * @param interactions interactions per run and method
 * @param bin          interactions per averaging bin of the curves
 * @param runs         independent runs (each its own mu)
 */
public record BanditSetting(int nodes, double epsilon, MuDistribution mu, double learningRate, long budget,
                            long interactions, int bin, int runs) {
    public BanditSetting {
        if (nodes < 3 || nodes > 11) {
            throw new IllegalArgumentException("nodes: must be in [3, 11] (K_n needs at most 64 edges), got " + nodes);
        }
        if (epsilon == 0 || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon: must be a non-zero finite number (eq. 10 divides by it), got " + epsilon);
        }
        if (mu == null) {
            throw new IllegalArgumentException("mu: missing");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("lr: must be a positive finite number, got " + learningRate);
        }
        if (budget < 1) {
            throw new IllegalArgumentException("budget: must be at least 1 interaction, got " + budget);
        }
        if (bin < 1) {
            throw new IllegalArgumentException("bin: must be at least 1 interaction, got " + bin);
        }
        if (interactions < bin) {
            throw new IllegalArgumentException("interactions: must be at least one bin (" + bin + "), got " + interactions);
        }
        if (runs < 2) {
            throw new IllegalArgumentException("runs: must be at least 2 (bands and standard errors are over runs), got " + runs);
        }
    }

    /** Bins per curve. */
    public int bins() {
        return (int) (interactions / bin);
    }

    /** The same setting with another graph size and eps (for sweeps). */
    public BanditSetting with(int nodes, double epsilon) {
        return new BanditSetting(nodes, epsilon, mu, learningRate, budget, interactions, bin, runs);
    }

    /** One line for titles and reports. */
    public String describe() {
        return String.format(Locale.ROOT, "K%d, eps %s, mu ~ %s, Adam %s, budget %d, %,d interactions, %d runs",
                nodes, num(epsilon), mu, num(learningRate), budget, interactions, runs);
    }

    static String num(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e9 ? Long.toString((long) x) : Double.toString(x);
    }
}
