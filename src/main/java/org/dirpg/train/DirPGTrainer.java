package org.dirpg.train;

import java.util.SplittableRandom;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.estimator.DirectPolicyGradient;
import org.dirpg.estimator.SearchResult;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policy;
import org.dirpg.search.SearchConfig;

/**
 * DirPG training (Algorithm 1 per update): each update draws a fresh episode (a new tree S), searches it for a_opt and
 * a_dir, and takes one Adam step along (1/eps) grad [log Pi(a_dir) - log Pi(a_opt)] (eq. 10).
 */
public final class DirPGTrainer implements Trainer {
    private final Environment env;
    private final Policy policy;
    private final DirectPolicyGradient estimator;
    private final Adam adam;
    private final SplittableRandom rng;
    private long updates;
    private long interactions;
    private SearchResult last;

    public DirPGTrainer(Environment env, Policy policy, SearchConfig config, Adam adam, long seed) {
        this.env = env;
        this.policy = policy;
        this.estimator = new DirectPolicyGradient(config);
        this.adam = adam;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public UpdateMetrics update() {
        long episodeSeed = rng.nextLong();
        long searchSeed = rng.nextLong();
        State root = env.reset(episodeSeed);
        SearchResult r = estimator.search(env, policy, root, searchSeed);
        double[] grad = estimator.gradient(r, policy);
        double norm = Vectors.norm(grad);
        if (norm > 0) {
            adam.ascend(policy, grad);
        }
        interactions += r.interactions();
        last = r;
        return new UpdateMetrics(updates++, interactions, r.aOpt().ret(), r.aDir().ret(), r.aOpt().d(), r.aDir().d(),
                r.candidates(), r.interactions(), r.firstImprovementInteractions(), norm);
    }

    /** The last update's search result (null before the first update). */
    public SearchResult lastSearch() {
        return last;
    }

    @Override
    public Policy policy() {
        return policy;
    }

    @Override
    public String name() {
        return "dirpg";
    }

    /** The optimiser, for checkpoints. */
    public Adam adam() {
        return adam;
    }
}
