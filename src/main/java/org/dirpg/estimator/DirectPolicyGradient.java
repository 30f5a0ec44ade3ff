package org.dirpg.estimator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;
import org.dirpg.search.Candidate;
import org.dirpg.search.Node;
import org.dirpg.search.SearchConfig;
import org.dirpg.search.SearchTrace;
import org.dirpg.search.TrajectoryGenerator;

/**
 * Algorithm 1, the direct policy gradient: take a_opt as the first trajectory of the search, keep the candidate with
 * the largest direct objective D (eq. 6) as a_dir, replacing it only on strict improvement, optionally stopping at the
 * first improvement (line 9); then return (1/eps) grad [log Pi(a_dir | S) - log Pi(a_opt | S)] (line 14, eq. 10).
 * If nothing beats a_opt within the budget, a_dir = a_opt and the gradient is exactly zero.
 */
public final class DirectPolicyGradient {
    private final SearchConfig config;

    public DirectPolicyGradient(SearchConfig config) {
        this.config = config;
    }

    public SearchConfig config() {
        return config;
    }

    /** Lines 1-13: searches the tree rooted at {@code root} with Gumbel noise from {@code seed}. */
    public SearchResult search(Environment env, Policy policy, State root, long seed) {
        return search(env, policy, root, seed, SearchTrace.NONE);
    }

    /** As {@link #search(Environment, Policy, State, long)}, reporting created regions to {@code trace}. */
    public SearchResult search(Environment env, Policy policy, State root, long seed, SearchTrace trace) {
        TrajectoryGenerator trajectories = new TrajectoryGenerator(env, policy, config, root, seed, trace);
        Candidate aOpt = trajectories.next(); // line 4
        if (aOpt == null) {
            throw new IllegalStateException(env.spec().id() + ": the search found no feasible trajectory from this state");
        }
        Candidate aDir = aOpt;
        int candidates = 1;
        long firstImprovement = -1;
        trajectories.raiseThreshold(aDir.d());
        Candidate cur;
        while ((cur = trajectories.next()) != null) { // lines 5-6
            candidates++;
            if (cur.d() > aDir.d()) { // line 7: strict improvement
                aDir = cur;
                if (firstImprovement < 0) {
                    firstImprovement = trajectories.interactions();
                }
                trajectories.raiseThreshold(aDir.d());
                if (config.earlyStop()) { // line 9
                    break;
                }
            }
        }
        return new SearchResult(aOpt, aDir, candidates, trajectories.interactions(), trajectories.expansions(), firstImprovement);
    }

    /**
     * Line 14 as a weighted log-likelihood: +1/eps on every step of a_dir, -1/eps on every step of a_opt. Steps of the
     * shared prefix cancel exactly and are left out. Empty when a_dir = a_opt.
     */
    public List<WeightedStep> update(SearchResult result) {
        if (!result.improved()) {
            return List.of();
        }
        double w = 1.0 / config.epsilon();
        Set<Node> optNodes = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n = result.aOpt().leaf(); n.parent() != null; n = n.parent()) {
            optNodes.add(n);
        }
        List<WeightedStep> steps = new ArrayList<>();
        Set<Node> shared = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n = result.aDir().leaf(); n.parent() != null; n = n.parent()) {
            if (optNodes.contains(n)) {
                shared.add(n);
            } else {
                steps.add(new WeightedStep(n.parent().state(), n.action(), w));
            }
        }
        for (Node n = result.aOpt().leaf(); n.parent() != null; n = n.parent()) {
            if (!shared.contains(n)) {
                steps.add(new WeightedStep(n.parent().state(), n.action(), -w));
            }
        }
        return steps;
    }

    /** The DirPG gradient estimate of eq. (10) for one search, as a dense vector over the policy's parameters. */
    public double[] gradient(SearchResult result, Policy policy) {
        double[] g = new double[policy.numParameters()];
        policy.addGradient(update(result), g);
        return g;
    }
}
