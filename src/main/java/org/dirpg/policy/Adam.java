package org.dirpg.policy;

/**
 * Adam (Kingma and Ba, 2015) for gradient <em>ascent</em> on a flat parameter vector:
 * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; theta += lr * m_hat / (sqrt(v_hat) + eps)}.
 * The paper uses Adam with learning rate 1e-3 for every experiment (App. C).
 */
public final class Adam {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double[] m;
    private double[] v;
    private long t;

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive finite number, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + " and " + beta2);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** Moves {@code theta} in place one Adam step along the ascent direction {@code gradient}. */
    public void ascend(double[] theta, double[] gradient) {
        if (theta.length != gradient.length) {
            throw new IllegalArgumentException("theta has " + theta.length + " entries but the gradient " + gradient.length);
        }
        if (m == null) {
            m = new double[theta.length];
            v = new double[theta.length];
        } else if (m.length != theta.length) {
            throw new IllegalArgumentException("Adam was used with " + m.length + " parameters, now " + theta.length);
        }
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < theta.length; i++) {
            double g = gradient[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            theta[i] += learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
        }
    }

    /** Applies one ascent step to a policy: theta += Adam(gradient). */
    public void ascend(Policy policy, double[] gradient) {
        double[] theta = policy.parameters();
        ascend(theta, gradient);
        policy.setParameters(theta);
    }

    /** The number of steps taken. */
    public long steps() {
        return t;
    }

    /** The optimiser state (m, v, t) for checkpoints. */
    public double[][] state() {
        return m == null ? new double[][] {{}, {}, {0}} : new double[][] {m.clone(), v.clone(), {t}};
    }

    /** Restores the state returned by {@link #state()}. */
    public void restore(double[][] state) {
        if (state[0].length == 0) {
            m = null;
            v = null;
            t = 0;
        } else {
            m = state[0].clone();
            v = state[1].clone();
            t = (long) state[2][0];
        }
    }
}
