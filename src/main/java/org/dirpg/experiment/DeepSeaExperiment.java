package org.dirpg.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.train.DirPGTrainer;
import org.dirpg.policy.Adam;
import org.dirpg.search.SearchConfig;

/**
 * Fig. 2c: DirPG on DeepSea (Sec. 6.2) for a grid of eps; after training, the learned probabilities of the safe
 * trajectory LLLL and the risky RRRR. The paper (400,000 episodes, 4 seeds) finds P(RRRR) = 0 for every eps < 0 and
 * P(RRRR) of 0.48-0.51 for every eps > 0. The whole tree (16 trajectories) is searched, as in the authors' notebook.
 */
public final class DeepSeaExperiment {
    /** Learned path probabilities for one (eps, seed). */
    public record Point(double epsilon, long seed, double pSafe, double pRisky) {
    }

    private DeepSeaExperiment() {
    }

    /** Trains one policy and reads off P(LLLL), P(RRRR). */
    public static Point train(double epsilon, long seed, long episodes, double learningRate) {
        DeepSea sea = new DeepSea();
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.0, seed);
        SearchConfig search = SearchConfig.gumbel(epsilon, Long.MAX_VALUE, false);
        DirPGTrainer trainer = new DirPGTrainer(sea, policy, search, new Adam(learningRate), seed);
        for (long e = 0; e < episodes; e++) {
            trainer.update();
        }
        int steps = sea.size() - 1;
        return new Point(epsilon, seed,
                PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.LEFT, steps)),
                PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.RIGHT, steps)));
    }

    /** The sweep: every eps times every seed; CSV and PNG in {@code outDir}. */
    public static List<Point> run(double[] epsilons, int seeds, long episodes, double learningRate, Path outDir,
                                  IntConsumer progress) {
        List<Point> points = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        double[] meanSafe = new double[epsilons.length];
        double[] meanRisky = new double[epsilons.length];
        int done = 0;
        for (int i = 0; i < epsilons.length; i++) {
            for (int s = 0; s < seeds; s++) {
                Point p = train(epsilons[i], s, episodes, learningRate);
                points.add(p);
                rows.add(p.epsilon() + "," + p.seed() + "," + p.pSafe() + "," + p.pRisky());
                meanSafe[i] += p.pSafe() / seeds;
                meanRisky[i] += p.pRisky() / seeds;
                progress.accept(++done);
            }
        }
        Csv.write(outDir.resolve("deepsea.csv"), "epsilon,seed,p_llll,p_rrrr", rows);
        new Plot("DeepSea: learned trajectory probabilities vs eps (Fig. 2c)", "eps", "probability")
                .series("P(LLLL)", epsilons, meanSafe).series("P(RRRR)", epsilons, meanRisky)
                .save(outDir.resolve("deepsea.png"));
        return points;
    }
}
