package org.dirpg.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.dirpg.env.Environment;
import org.dirpg.policy.Policy;
import org.dirpg.search.Candidate;
import org.dirpg.search.Priority;
import org.dirpg.search.SearchConfig;
import org.dirpg.search.TrajectoryGenerator;
import org.dirpg.train.Algorithm;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainerFactory;
import org.dirpg.train.UpdateMetrics;

/**
 * Fig. 3 on a (remote) MiniGrid environment, at a scale chosen by the caller.
 * <ul>
 *   <li>3a: return (of a_opt for DirPG, the mean sampled return for REINFORCE and CEM) against cumulative interactions,
 *       for DirPG with each alpha of the A* priority G + eps (L + alpha U), REINFORCE and CEM, all with the same
 *       interactions per map;</li>
 *   <li>3b: D(a_dir) and D(a_opt) per update of the first DirPG run;</li>
 *   <li>3c: with that run's policy frozen, for each alpha, the number of complete candidates a search of the same budget
 *       yields per map and their mean and best return (quantity against quality).</li>
 * </ul>
 */
public final class MiniGridExperiment {
    /** One curve of Fig. 3a. */
    public record Curve(String name, List<UpdateMetrics> metrics) {
    }

    /** One row of Fig. 3c. */
    public record FrozenSearch(double alpha, double meanCandidates, double meanReturn, double bestReturn) {
    }

    private MiniGridExperiment() {
    }

    public static List<FrozenSearch> run(TrainSettings base, double[] alphas, int frozenMaps, Path outDir,
                                         Consumer<String> progress) {
        List<Curve> curves = new ArrayList<>();
        Policy firstDirpg = null;
        try (Environment env = TrainerFactory.environment(base)) {
            for (double alpha : alphas) {
                TrainSettings s = base.toBuilder().algorithm(Algorithm.DIRPG).priority(Priority.ASTAR).alpha(alpha).build();
                Policy policy = TrainerFactory.policy(s, env);
                curves.add(new Curve("DirPG alpha=" + alpha, train(s, env, policy, progress)));
                if (firstDirpg == null) {
                    firstDirpg = policy;
                }
            }
            int rollouts = (int) Math.max(2, base.budget() / base.maxSteps());
            for (Algorithm a : new Algorithm[] {Algorithm.REINFORCE_RTG, Algorithm.CEM}) {
                TrainSettings s = base.toBuilder().algorithm(a).rollouts(rollouts).elites(Math.max(1, rollouts / 15)).build();
                Policy policy = TrainerFactory.policy(s, env);
                curves.add(new Curve(a.cliName(), train(s, env, policy, progress)));
            }
            List<FrozenSearch> frozen = frozenSearches(env, firstDirpg, base, alphas, frozenMaps);
            write(curves, frozen, outDir);
            return frozen;
        }
    }

    private static List<UpdateMetrics> train(TrainSettings s, Environment env, Policy policy, Consumer<String> progress) {
        Trainer trainer = TrainerFactory.trainer(s, env, policy);
        List<UpdateMetrics> out = new ArrayList<>();
        try {
            for (long u = 0; u < s.updates(); u++) {
                UpdateMetrics m = trainer.update();
                out.add(m);
                progress.accept(trainer.name() + " alpha " + s.alpha() + " update " + u + ": return " + m.updateReturn());
            }
        } finally {
            if (trainer instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    static List<FrozenSearch> frozenSearches(Environment env, Policy policy, TrainSettings base, double[] alphas, int maps) {
        List<FrozenSearch> out = new ArrayList<>();
        for (double alpha : alphas) {
            SearchConfig config = new SearchConfig(base.epsilon(), Priority.ASTAR, alpha, base.budget(), false, false);
            SplittableRandom rng = new SplittableRandom(base.seed() + 99);
            double count = 0;
            double sum = 0;
            double best = Double.NEGATIVE_INFINITY;
            long n = 0;
            for (int m = 0; m < maps; m++) {
                TrajectoryGenerator gen = new TrajectoryGenerator(env, policy, config, env.reset(rng.nextLong()), rng.nextLong());
                Candidate c;
                while ((c = gen.next()) != null) {
                    count++;
                    sum += c.ret();
                    n++;
                    best = Math.max(best, c.ret());
                }
            }
            out.add(new FrozenSearch(alpha, count / maps, n == 0 ? Double.NaN : sum / n, best));
        }
        return out;
    }

    private static void write(List<Curve> curves, List<FrozenSearch> frozen, Path outDir) {
        List<String> rows = new ArrayList<>();
        Plot returns = new Plot("MiniGrid: return vs interactions (Fig. 3a)", "interactions", "return");
        for (Curve c : curves) {
            double[] x = new double[c.metrics().size()];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                UpdateMetrics m = c.metrics().get(i);
                x[i] = m.interactions();
                y[i] = m.updateReturn();
                rows.add(c.name() + "," + m.toCsv());
            }
            returns.series(c.name(), x, y);
        }
        Csv.write(outDir.resolve("minigrid_training.csv"), "run," + UpdateMetrics.CSV_HEADER, rows);
        returns.save(outDir.resolve("minigrid_returns.png"));
        List<UpdateMetrics> first = curves.get(0).metrics();
        double[] u = new double[first.size()];
        double[] dOpt = new double[u.length];
        double[] dDir = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = i;
            dOpt[i] = first.get(i).dOpt();
            dDir[i] = first.get(i).dDir();
        }
        new Plot("MiniGrid: D(a_dir) and D(a_opt) (Fig. 3b, " + curves.get(0).name() + ")", "update", "direct objective D")
                .series("D(a_dir)", u, dDir).series("D(a_opt)", u, dOpt).save(outDir.resolve("minigrid_objectives.png"));
        List<String> frozenRows = new ArrayList<>();
        double[] a = new double[frozen.size()];
        double[] count = new double[a.length];
        double[] mean = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            FrozenSearch f = frozen.get(i);
            frozenRows.add(f.alpha() + "," + f.meanCandidates() + "," + f.meanReturn() + "," + f.bestReturn());
            a[i] = f.alpha();
            count[i] = f.meanCandidates();
            mean[i] = f.meanReturn();
        }
        Csv.write(outDir.resolve("minigrid_frozen.csv"), "alpha,mean_candidates,mean_return,best_return", frozenRows);
        new Plot("MiniGrid, frozen policy: quantity vs quality (Fig. 3c)", "alpha", "per map")
                .series("complete candidates", a, count).series("mean candidate return", a, mean)
                .save(outDir.resolve("minigrid_frozen.png"));
    }
}
