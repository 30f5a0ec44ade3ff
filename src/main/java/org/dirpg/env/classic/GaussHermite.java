package org.dirpg.env.classic;

/**
 * Gauss–Hermite quadrature for expectations under a normal distribution:
 * {@code E[f(mean + sd Z)] ~= sum_i w_i f(mean + sd x_i)} with Z ~ N(0, 1), exact for polynomials f of degree
 * {@code < 2n}. Nodes are the roots of the Hermite polynomial H_n found by Newton's method on the orthonormal
 * recurrence (Press et al., Numerical Recipes, "gauher"), rescaled from the weight {@code exp(-x^2)} to the standard
 * normal density. The weights are positive and sum to 1, so they serve as outcome probabilities.
 */
public final class GaussHermite {
    /** The most nodes supported; beyond this the smallest weights underflow. */
    public static final int MAX_NODES = 150;

    private final double[] nodes;
    private final double[] weights;

    /** The {@code n}-node rule for the standard normal, {@code 1 <= n <= MAX_NODES}. */
    public GaussHermite(int n) {
        if (n < 1 || n > MAX_NODES) {
            throw new IllegalArgumentException("Gauss-Hermite node count must be in [1, " + MAX_NODES + "], got " + n);
        }
        nodes = new double[n];
        weights = new double[n];
        double piToMinusQuarter = Math.pow(Math.PI, -0.25);
        double[] x = new double[n];
        double[] w = new double[n];
        int m = (n + 1) / 2;
        double z = 0;
        for (int i = 1; i <= m; i++) {
            if (i == 1) {
                z = Math.sqrt(2.0 * n + 1) - 1.85575 * Math.pow(2.0 * n + 1, -0.16667);
            } else if (i == 2) {
                z -= 1.14 * Math.pow(n, 0.426) / z;
            } else if (i == 3) {
                z = 1.86 * z - 0.86 * x[0];
            } else if (i == 4) {
                z = 1.91 * z - 0.91 * x[1];
            } else {
                z = 2.0 * z - x[i - 3];
            }
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++) {
                double p1 = piToMinusQuarter;
                double p2 = 0;
                for (int j = 1; j <= n; j++) {
                    double p3 = p2;
                    p2 = p1;
                    p1 = z * Math.sqrt(2.0 / j) * p2 - Math.sqrt((j - 1.0) / j) * p3;
                }
                derivative = Math.sqrt(2.0 * n) * p2;
                double previous = z;
                z = previous - p1 / derivative;
                if (Math.abs(z - previous) <= 1e-14 * Math.max(1, Math.abs(z))) {
                    break;
                }
            }
            x[i - 1] = z;
            x[n - i] = -z;
            w[i - 1] = 2.0 / (derivative * derivative);
            w[n - i] = w[i - 1];
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            nodes[i] = x[n - 1 - i] * Math.sqrt(2.0);
            weights[i] = w[n - 1 - i] / Math.sqrt(Math.PI);
            sum += weights[i];
        }
        for (int i = 0; i < n; i++) {
            weights[i] /= sum;
        }
    }

    /** The number of nodes. */
    public int size() {
        return nodes.length;
    }

    /** Node i of the standard-normal rule, ascending. */
    public double node(int i) {
        return nodes[i];
    }

    /** Weight i, positive; the weights sum to 1. */
    public double weight(int i) {
        return weights[i];
    }

    /** {@code E[f(mean + sd Z)]} by the rule. */
    public double expectation(double mean, double sd, java.util.function.DoubleUnaryOperator f) {
        double total = 0;
        for (int i = 0; i < nodes.length; i++) {
            total += weights[i] * f.applyAsDouble(mean + sd * nodes[i]);
        }
        return total;
    }
}
