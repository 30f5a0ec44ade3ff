package org.dirpg.experiment;

import java.util.List;
import java.util.Locale;

/** Statistics over independent runs: per-bin mean and standard error of curves, and paired differences. */
public final class OverRuns {
    /** |difference| within this many paired standard errors counts as level. */
    public static final double LEVEL_WITHIN_SE = 2.0;

    private OverRuns() {
    }

    /** Mean and standard error of a sample (NaN values skipped; SE NaN below 2 values). */
    public record Estimate(double mean, double standardError, int n) {
        public static Estimate of(double[] xs) {
            double sum = 0;
            int n = 0;
            for (double x : xs) {
                if (Double.isFinite(x)) {
                    sum += x;
                    n++;
                }
            }
            double mean = n == 0 ? Double.NaN : sum / n;
            double ss = 0;
            for (double x : xs) {
                if (Double.isFinite(x)) {
                    ss += (x - mean) * (x - mean);
                }
            }
            return new Estimate(mean, n > 1 ? Math.sqrt(ss / (n - 1) / n) : Double.NaN, n);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f ± %.3f", mean, standardError);
        }
    }

    /**
     * The paired difference a_r - b_r over runs r (same mu, same run index for both methods), its standard error, and
     * a verdict: "ahead" when the mean exceeds {@link #LEVEL_WITHIN_SE} standard errors, "behind" when it is below
     * minus that, "level" otherwise.
     */
    public record Paired(double mean, double standardError, int runs) {
        public static Paired of(double[] a, double[] b) {
            if (a.length != b.length) {
                throw new IllegalArgumentException("paired samples need the same runs, got " + a.length + " and " + b.length);
            }
            double[] d = new double[a.length];
            for (int r = 0; r < a.length; r++) {
                d[r] = a[r] - b[r];
            }
            Estimate e = Estimate.of(d);
            return new Paired(e.mean(), e.standardError(), e.n());
        }

        public String verdict() {
            if (!(standardError >= 0)) {
                return "n/a";
            }
            if (mean > LEVEL_WITHIN_SE * standardError) {
                return "ahead";
            }
            return mean < -LEVEL_WITHIN_SE * standardError ? "behind" : "level";
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%+.3f ± %.3f (%s)", mean, standardError, verdict());
        }
    }

    /** Per bin, the mean and standard error over runs of the curves: {means, standard errors}. */
    public static double[][] curves(List<double[]> runs) {
        int bins = runs.get(0).length;
        double[][] out = new double[2][bins];
        for (int b = 0; b < bins; b++) {
            double[] column = new double[runs.size()];
            for (int r = 0; r < runs.size(); r++) {
                column[r] = runs.get(r)[b];
            }
            Estimate e = Estimate.of(column);
            out[0][b] = e.mean();
            out[1][b] = e.standardError();
        }
        return out;
    }
}
