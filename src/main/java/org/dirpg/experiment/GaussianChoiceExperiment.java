package org.dirpg.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dirpg.env.classic.GaussianChoice;

/**
 * Fig. 2d: the objective l(p, eps) of eq. (11) for the Gaussian choice problem (take X ~ N(0, 1) with probability p,
 * else 0), computed by Gauss–Hermite quadrature over X for a grid of p and several eps. For eps > 0 the maximiser is
 * an interior p (the agent seeks the risk its own policy creates). For eps < 0, l(0) = l(1) = 0 and l < 0 in between:
 * a tie between never and always taking X, because the environment's variance (at p = 1) is neither sought nor
 * avoided, only the policy's own mixing is avoided (eq. 14).
 */
public final class GaussianChoiceExperiment {
    /** Grid values within this of the maximum count as maximisers (l(0) and l(1) are exactly 0 here). */
    static final double TIE_TOLERANCE = 1e-12;

    /** The largest l(p, eps) on the grid and every grid p that attains it. */
    public record Maximum(double epsilon, double value, List<Double> argmax) {
        public boolean isTie() {
            return argmax.size() > 1;
        }

        /** One line for the console: the argmax, or the tie and its points. */
        public String describe() {
            if (!isTie()) {
                return String.format(Locale.ROOT, "eps %5.2f: argmax_p l(p, eps) = %.2f (l = %.4f)", epsilon, argmax.get(0), value);
            }
            StringBuilder ps = new StringBuilder();
            for (double p : argmax) {
                ps.append(ps.length() == 0 ? "" : " and ").append(String.format(Locale.ROOT, "p = %.2f", p));
            }
            return String.format(Locale.ROOT, "eps %5.2f: tie, l(p, eps) = %.4f is largest at %s "
                    + "(the environment's variance is neither sought nor avoided)", epsilon, value, ps);
        }
    }

    private GaussianChoiceExperiment() {
    }

    /** The maximum of l over a grid of p in eps order; every grid value within {@link #TIE_TOLERANCE} of it is a maximiser. */
    public static Maximum maximum(double epsilon, double[] p, double[] l) {
        double best = Double.NEGATIVE_INFINITY;
        for (double v : l) {
            best = Math.max(best, v);
        }
        List<Double> at = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            if (l[i] >= best - TIE_TOLERANCE * Math.max(1, Math.abs(best))) {
                at.add(p[i]);
            }
        }
        return new Maximum(epsilon, best, List.copyOf(at));
    }

    /** One curve per eps over p in [0, 1]; returns the maximum of each curve in eps order. */
    public static List<Maximum> run(double[] epsilons, int points, Path outDir) {
        return run(epsilons, points, outDir, org.dirpg.train.ProgressSink.NONE);
    }

    /** As {@link #run(double[], int, Path)}, reporting each finished curve to {@code progress} (no interactions, no return). */
    public static List<Maximum> run(double[] epsilons, int points, Path outDir, org.dirpg.train.ProgressSink progress) {
        if (points < 2) {
            throw new IllegalArgumentException("points: must be at least 2, got " + points);
        }
        List<String> rows = new ArrayList<>();
        Plot plot = new Plot("Gaussian choice: l(p, eps), eq. (11) (Fig. 2d)", "p (probability of the risky choice)", "l(p, eps)");
        List<Maximum> out = new ArrayList<>();
        for (double eps : epsilons) {
            double[] p = new double[points];
            double[] l = new double[points];
            for (int i = 0; i < points; i++) {
                p[i] = (double) i / (points - 1);
                l[i] = GaussianChoice.objective(p[i], eps);
                rows.add(eps + "," + p[i] + "," + l[i]);
            }
            out.add(maximum(eps, p, l));
            plot.series("eps = " + eps, p, l);
            progress.add(1, 0, Double.NaN);
        }
        Csv.write(outDir.resolve("gaussian_choice.csv"), "epsilon,p,l", rows);
        plot.save(outDir.resolve("gaussian_choice.png"));
        return out;
    }
}
