package org.dirpg.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.policy.Policy;

/** Enumerates every trajectory of one realised tree S by stepping it depth first (tests only; small trees). */
public final class Trajectories {
    private Trajectories() {
    }

    /** A complete trajectory with its log Pi(a | S), return and feasibility. */
    public record Path(int[] actions, double logPi, double ret, boolean feasible) {
        public String key() {
            return Arrays.toString(actions);
        }
    }

    public static List<Path> enumerate(Environment env, Policy policy, State root) {
        List<Path> out = new ArrayList<>();
        walk(env, policy, root, new int[0], 0.0, 0.0, out);
        return out;
    }

    private static void walk(Environment env, Policy policy, State s, int[] prefix, double logPi, double ret, List<Path> out) {
        if (s.isTerminal()) {
            out.add(new Path(prefix, logPi, ret, s.isFeasible()));
            return;
        }
        double[] logp = new double[policy.numActions()];
        policy.logProbabilities(s, logp);
        for (long bits = s.legalActions(); bits != 0; bits &= bits - 1) {
            int a = Long.numberOfTrailingZeros(bits);
            Transition t = env.step(s, a);
            int[] next = Arrays.copyOf(prefix, prefix.length + 1);
            next[prefix.length] = a;
            walk(env, policy, t.next(), next, logPi + logp[a], ret + t.reward(), out);
        }
    }
}
