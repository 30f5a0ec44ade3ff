package org.dirpg.train;

import java.util.List;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;

/** Small dense-vector helpers shared by the trainers. */
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

    /**
     * One optimiser step along grad sum_i w_i log pi(a_i | s_i); no step when the gradient is exactly zero (DirPG when
     * nothing improved). Returns the gradient's norm.
     */
    static double ascend(Policy policy, Adam adam, List<WeightedStep> steps) {
        double[] grad = new double[policy.numParameters()];
        policy.addGradient(steps, grad);
        return ascend(policy, adam, grad);
    }

    /** One optimiser step along {@code grad}; none when it is exactly zero. Returns its norm. */
    static double ascend(Policy policy, Adam adam, double[] grad) {
        double norm = norm(grad);
        if (norm > 0) {
            adam.ascend(policy, grad);
        }
        return norm;
    }
}
