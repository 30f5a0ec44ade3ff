package org.dirpg.train;

/** Small dense-vector helpers. */
final class Vectors {
    private Vectors() {
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
