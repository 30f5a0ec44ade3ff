package org.dirpg.testing;

/** Statistics for tests: chi-square critical values and sample moments. */
public final class Stats {
    private Stats() {
    }

    /**
     * The upper-tail critical value of a chi-square with {@code df} degrees of freedom at the standard-normal quantile
     * {@code z} (z = 3.09 for p = 0.001), by the Wilson–Hilferty approximation (accurate to a few percent for df >= 3).
     */
    public static double chiSquareCritical(int df, double z) {
        double a = 2.0 / (9.0 * df);
        double c = 1 - a + z * Math.sqrt(a);
        return df * c * c * c;
    }

    /** Pearson's statistic sum (O - E)^2 / E for counts against probabilities times n. */
    public static double chiSquare(long[] observed, double[] probabilities) {
        long n = 0;
        for (long o : observed) {
            n += o;
        }
        double stat = 0;
        for (int i = 0; i < observed.length; i++) {
            double e = n * probabilities[i];
            stat += (observed[i] - e) * (observed[i] - e) / e;
        }
        return stat;
    }

    /** Running mean and variance per coordinate (Welford). */
    public static final class Moments {
        private final double[] mean;
        private final double[] m2;
        private long n;

        public Moments(int dim) {
            mean = new double[dim];
            m2 = new double[dim];
        }

        public void add(double[] x) {
            n++;
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - mean[i];
                mean[i] += d / n;
                m2[i] += d * (x[i] - mean[i]);
            }
        }

        public double mean(int i) {
            return mean[i];
        }

        /** The standard error of the mean of coordinate i. */
        public double standardError(int i) {
            return Math.sqrt(m2[i] / (n - 1) / n);
        }

        public long count() {
            return n;
        }
    }
}
