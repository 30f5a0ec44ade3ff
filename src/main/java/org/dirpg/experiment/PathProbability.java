package org.dirpg.experiment;

import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.policy.Policy;

/** Pi_theta(a | S) of one action sequence (eq. 3), stepping the environment along it. */
public final class PathProbability {
    private PathProbability() {
    }

    /** The probability of taking {@code actions} from the root of episode {@code seed}. */
    public static double of(Environment env, Policy policy, long seed, int... actions) {
        State s = env.reset(seed);
        double[] logp = new double[policy.numActions()];
        double total = 0;
        for (int a : actions) {
            policy.logProbabilities(s, logp);
            total += logp[a];
            s = env.step(s, a).next();
        }
        return Math.exp(total);
    }

    /** The same action repeated {@code length} times. */
    public static int[] repeat(int action, int length) {
        int[] out = new int[length];
        java.util.Arrays.fill(out, action);
        return out;
    }
}
