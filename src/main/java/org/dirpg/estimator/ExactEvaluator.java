package org.dirpg.estimator;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.EnumerableEnvironment;
import org.dirpg.env.Outcome;
import org.dirpg.env.State;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;

/**
 * Exact values for trees small enough to enumerate: every joint realisation of the state-reward tree S (the product
 * of every step's outcomes) and, within each, every trajectory. For each S with Z_0 = sum_a Pi(a|S) and
 * Z_eps = sum_a Pi(a|S) exp(eps R(a,S)) over feasible trajectories, it computes
 * <ul>
 *   <li>l(theta, eps) = E_S[(1/eps) log(Z_eps / Z_0)] (eq. 11 in the form of eq. 15);</li>
 *   <li>grad l = (1/eps) E_S[E_{P_R}[grad log Pi] - E_Pi[grad log Pi]] with P_R proportional to Pi exp(eps R)
 *       (eq. 12 / 16);</li>
 *   <li>the expected return J = E_S E_Pi[R] and the exact policy gradient E_S E_Pi[(R - J(S)) grad log Pi];</li>
 *   <li>E_S[var_Pi(R | S)], the "controllable risk" of eq. (14).</li>
 * </ul>
 * Infeasible terminals are outside the support: Pi is renormalised over feasible trajectories, as the search does.
 */
public final class ExactEvaluator {
    /** Refuse trees whose joint realisations exceed this count. */
    public static final long MAX_REALISATIONS = 2_000_000;

    private final EnumerableEnvironment env;
    private final Policy policy;
    private final double epsilon;
    private final double[] gradL;
    private final double[] policyGradient;
    private double l;
    private double expectedReturn;
    private double conditionalVariance;
    private long realisations;

    /** The exact quantities for one (theta, eps). */
    public record Result(double l, double[] gradL, double expectedReturn, double[] policyGradient,
                         double expectedConditionalVariance, long realisations) {
    }

    private ExactEvaluator(EnumerableEnvironment env, Policy policy, double epsilon) {
        this.env = env;
        this.policy = policy;
        this.epsilon = epsilon;
        this.gradL = new double[policy.numParameters()];
        this.policyGradient = new double[policy.numParameters()];
    }

    /** Enumerates S and the trajectories of every realisation; eps must be non-zero. */
    public static Result evaluate(EnumerableEnvironment env, Policy policy, double epsilon) {
        if (epsilon == 0 || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be non-zero and finite, got " + epsilon);
        }
        ExactEvaluator e = new ExactEvaluator(env, policy, epsilon);
        TreeNode root = new TreeNode(env.initialState(), 0.0);
        List<TreeNode> pending = new ArrayList<>();
        e.pushEdges(root, pending);
        e.enumerate(root, pending, 1.0);
        return new Result(e.l, e.gradL, e.expectedReturn, e.policyGradient, e.conditionalVariance, e.realisations);
    }

    /** A realised node of S: its state, the reward of the step into it, its children by action. */
    private static final class TreeNode {
        final State state;
        final double reward;
        final TreeNode[] children;
        int nextEdge;

        TreeNode(State state, double reward) {
            this.state = state;
            this.reward = reward;
            this.children = new TreeNode[64];
        }
    }

    private void pushEdges(TreeNode node, List<TreeNode> pending) {
        for (long bits = node.state.legalActions(); bits != 0; bits &= bits - 1) {
            pending.add(node);
        }
        node.nextEdge = 0;
    }

    /** Realises the pending edges one at a time; each pending entry stands for the next unrealised action of a node. */
    private void enumerate(TreeNode root, List<TreeNode> pending, double probability) {
        if (pending.isEmpty()) {
            if (++realisations > MAX_REALISATIONS) {
                throw new IllegalArgumentException("the tree has more than " + MAX_REALISATIONS
                        + " joint realisations of S; the exact evaluator is for small trees");
            }
            accumulate(root, probability);
            return;
        }
        TreeNode parent = pending.remove(pending.size() - 1);
        int action = nthAction(parent.state.legalActions(), parent.nextEdge);
        parent.nextEdge++;
        for (Outcome o : env.outcomes(parent.state, action)) {
            TreeNode child = new TreeNode(o.transition().next(), o.transition().reward());
            parent.children[action] = child;
            int mark = pending.size();
            if (!child.state.isTerminal()) {
                pushEdges(child, pending);
            }
            enumerate(root, pending, probability * o.probability());
            while (pending.size() > mark) {
                pending.remove(pending.size() - 1);
            }
        }
        parent.children[action] = null;
        parent.nextEdge--;
        pending.add(parent);
    }

    private static int nthAction(long set, int n) {
        long bits = set;
        for (int i = 0; i < n; i++) {
            bits &= bits - 1;
        }
        return Long.numberOfTrailingZeros(bits);
    }

    /** One trajectory of a realised S. */
    private record Path(double logPi, double ret, List<WeightedStep> steps) {
    }

    private void accumulate(TreeNode root, double pS) {
        List<Path> paths = new ArrayList<>();
        collect(root, 0.0, 0.0, new ArrayList<>(), paths);
        if (paths.isEmpty()) {
            throw new IllegalStateException(env.spec().id() + ": a realisation of S has no feasible trajectory");
        }
        double maxLog = Double.NEGATIVE_INFINITY;
        double maxLogR = Double.NEGATIVE_INFINITY;
        for (Path p : paths) {
            maxLog = Math.max(maxLog, p.logPi);
            maxLogR = Math.max(maxLogR, p.logPi + epsilon * p.ret);
        }
        double z0 = 0;
        double zR = 0;
        double[] pi = new double[paths.size()];
        double[] pr = new double[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            pi[i] = Math.exp(paths.get(i).logPi - maxLog);
            pr[i] = Math.exp(paths.get(i).logPi + epsilon * paths.get(i).ret - maxLogR);
            z0 += pi[i];
            zR += pr[i];
        }
        double mean = 0;
        double second = 0;
        for (int i = 0; i < paths.size(); i++) {
            pi[i] /= z0;
            pr[i] /= zR;
            mean += pi[i] * paths.get(i).ret;
            second += pi[i] * paths.get(i).ret * paths.get(i).ret;
        }
        // eq. (15): (1/eps) log(Z_eps / Z_0), both sums taken relative to their own maxima.
        l += pS * ((maxLogR + Math.log(zR)) - (maxLog + Math.log(z0))) / epsilon;
        expectedReturn += pS * mean;
        conditionalVariance += pS * (second - mean * mean);
        List<WeightedStep> lSteps = new ArrayList<>();
        List<WeightedStep> jSteps = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            double cl = pS * (pr[i] - pi[i]) / epsilon; // eq. (16)
            double cj = pS * pi[i] * (paths.get(i).ret - mean);
            for (WeightedStep s : paths.get(i).steps) {
                lSteps.add(new WeightedStep(s.state(), s.action(), cl));
                jSteps.add(new WeightedStep(s.state(), s.action(), cj));
            }
        }
        policy.addGradient(lSteps, gradL);
        policy.addGradient(jSteps, policyGradient);
    }

    private void collect(TreeNode node, double logPi, double ret, List<WeightedStep> prefix, List<Path> out) {
        if (node.state.isTerminal()) {
            if (node.state.isFeasible()) {
                out.add(new Path(logPi, ret, List.copyOf(prefix)));
            }
            return;
        }
        double[] logp = new double[policy.numActions()];
        policy.logProbabilities(node.state, logp);
        for (long bits = node.state.legalActions(); bits != 0; bits &= bits - 1) {
            int a = Long.numberOfTrailingZeros(bits);
            TreeNode child = node.children[a];
            prefix.add(new WeightedStep(node.state, a, 1.0));
            collect(child, logPi + logp[a], ret + child.reward, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }
}
