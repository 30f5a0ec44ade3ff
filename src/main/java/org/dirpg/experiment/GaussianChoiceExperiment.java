package org.dirpg.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.classic.GaussianChoice;

/**
 * Fig. 2d: the objective l(p, eps) of eq. (11) for the Gaussian choice problem (take X ~ N(0, 1) with probability p,
 * else 0), computed by Gauss–Hermite quadrature over X for a grid of p and several eps. For eps > 0 the maximiser is
 * an interior p (the agent seeks the risk its own policy creates), for eps < 0 it is p = 0.
 */
public final class GaussianChoiceExperiment {
    private GaussianChoiceExperiment() {
    }

    /** One curve per eps over p in [0, 1]; returns the argmax p of each curve in eps order. */
    public static double[] run(double[] epsilons, int points, Path outDir) {
        List<String> rows = new ArrayList<>();
        Plot plot = new Plot("Gaussian choice: l(p, eps), eq. (11)", "p (probability of the risky choice)", "l(p, eps)");
        double[] argmax = new double[epsilons.length];
        for (int e = 0; e < epsilons.length; e++) {
            double eps = epsilons[e];
            double[] p = new double[points];
            double[] l = new double[points];
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < points; i++) {
                p[i] = (double) i / (points - 1);
                l[i] = GaussianChoice.objective(p[i], eps);
                rows.add(eps + "," + p[i] + "," + l[i]);
                if (l[i] > best) {
                    best = l[i];
                    argmax[e] = p[i];
                }
            }
            plot.series("eps = " + eps, p, l);
        }
        Csv.write(outDir.resolve("gaussian_choice.csv"), "epsilon,p,l", rows);
        plot.save(outDir.resolve("gaussian_choice.png"));
        return argmax;
    }
}
