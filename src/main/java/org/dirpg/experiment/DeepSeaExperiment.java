package org.dirpg.experiment;

import java.nio.file.Path;
import java.util.List;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.policy.Adam;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.search.SearchConfig;
import org.dirpg.train.DirPGTrainer;
import org.dirpg.train.ProgressSink;
import org.dirpg.train.UpdateMetrics;

/**
 * Fig. 2c: DirPG on DeepSea (Sec. 6.2) for a grid of eps; after training, the learned probabilities of the safe
 * trajectory LLLL and the risky RRRR. The paper (400,000 episodes, Adam 1e-3, 4 seeds) finds P(RRRR) = 0 for every
 * eps < 0 and P(RRRR) of 0.48-0.51 for every eps > 0. As in the authors' notebook the whole tree (16 trajectories)
 * is searched and the policy is tabular (a linear softmax on the one-hot cell); the corner reward's standard
 * deviation sigma is a setting, because the notebook draws N(1, 10^2) where the paper's text says N(1, 1).
 * The probabilities are computed exactly from the policy (eq. 3), not estimated from test episodes.
 */
public final class DeepSeaExperiment {
    /** Updates per progress report, so that a run of 30,000 updates a second does not contend on the sink. */
    private static final int REPORT_CHUNK = 4096;

    /**
     * One sweep.
     *
     * @param epsilons     the eps grid; each non-zero and finite
     * @param seeds        seeds per eps (0 .. seeds - 1)
     * @param episodes     DirPG updates (one episode each) per run
     * @param learningRate Adam's step size
     * @param sigma        standard deviation of the corner reward N(1, sigma^2)
     * @param threads      runs trained concurrently (results do not depend on it)
     */
    public record Settings(double[] epsilons, int seeds, long episodes, double learningRate, double sigma, int threads) {
        public Settings {
            if (epsilons == null || epsilons.length == 0) {
                throw new IllegalArgumentException("epsilons: need at least one eps");
            }
            for (double e : epsilons) {
                if (e == 0 || !Double.isFinite(e)) {
                    throw new IllegalArgumentException("epsilons: every eps must be non-zero and finite, got " + e);
                }
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("seeds: must be at least 1, got " + seeds);
            }
            if (episodes < 1) {
                throw new IllegalArgumentException("episodes: must be at least 1, got " + episodes);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("lr: must be a positive finite number, got " + learningRate);
            }
            if (!(sigma >= 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("sigma: must be a finite number >= 0, got " + sigma);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
            }
            epsilons = epsilons.clone();
        }

        /** Updates the whole sweep performs. */
        public long totalUpdates() {
            return (long) epsilons.length * seeds * episodes;
        }
    }

    /** Learned path probabilities for one (eps, seed). */
    public record Point(double epsilon, long seed, double sigma, long episodes, double learningRate, double pSafe,
                        double pRisky) {
    }

    private DeepSeaExperiment() {
    }

    /** Trains one policy and reads off P(LLLL), P(RRRR). */
    public static Point train(double epsilon, double sigma, long seed, long episodes, double learningRate,
                              ProgressSink progress) {
        DeepSea sea = new DeepSea(5, sigma, 20);
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.0, seed);
        SearchConfig search = SearchConfig.gumbel(epsilon, Long.MAX_VALUE, false);
        DirPGTrainer trainer = new DirPGTrainer(sea, policy, search, new Adam(learningRate), seed);
        long chunkInteractions = 0;
        double chunkReturn = 0;
        for (long e = 1; e <= episodes; e++) {
            UpdateMetrics m = trainer.update();
            chunkInteractions += m.searchInteractions();
            chunkReturn += m.updateReturn();
            if (e % REPORT_CHUNK == 0 || e == episodes) {
                progress.add(e % REPORT_CHUNK == 0 ? REPORT_CHUNK : e % REPORT_CHUNK, chunkInteractions, chunkReturn);
                chunkInteractions = 0;
                chunkReturn = 0;
            }
        }
        int steps = sea.size() - 1;
        return new Point(epsilon, seed, sigma, episodes, learningRate,
                PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.LEFT, steps)),
                PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.RIGHT, steps)));
    }

    /** The sweep: every eps times every seed, in eps order then seed order; CSV, PNG and a markdown table in outDir. */
    public static List<Point> run(Settings s, Path outDir, ProgressSink progress) {
        double[] eps = s.epsilons();
        List<Point> points = Parallel.map(eps.length * s.seeds(), s.threads(),
                i -> train(eps[i / s.seeds()], s.sigma(), i % s.seeds(), s.episodes(), s.learningRate(), progress));
        DeepSeaReport.write(points, outDir);
        return points;
    }
}
