package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.dirpg.env.Environment;
import org.dirpg.policy.Policy;
import org.dirpg.search.Candidate;
import org.dirpg.search.Heuristic;
import org.dirpg.search.SearchConfig;
import org.dirpg.search.TrajectoryGenerator;
import org.dirpg.train.ProgressSink;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import org.dirpg.train.UpdateMetrics;

/**
 * Fig. 3 (Sec. 6.3) on MiniGrid-MultiRoom-N6 with the paper reward, at the scale of a {@link MiniGridSetup}:
 * <ul>
 *   <li>3a: return against interactions for every curve of {@link MiniGridSetup#curves()} (DirPG's a_opt is the
 *       policy's own sample; REINFORCE and CEM report their mean sampled return), and a held-out evaluation every
 *       {@code evalEvery} maps on the same fixed fresh maps for every method, sampled and greedy;</li>
 *   <li>3b: D(a_dir) and D(a_opt) per map of the alpha = 0.2 curve;</li>
 *   <li>3c: the alpha = 0.2 policy (seed 0) frozen after {@code frozenAt} interactions; for each priority, searches of
 *       the same budget on the same maps: completed trajectories per map and the distribution of their returns.</li>
 * </ul>
 * Curves run on {@code threads} threads (each with its own environment and policy, so results do not depend on the
 * thread count); finished curves are kept on disk and not rerun ({@link MiniGridCurveRun}). Outputs: CSVs, PNGs and
 * {@code summary.md} in the output directory.
 */
public final class MiniGridExperiment {
    /** What the run measured: every (curve, seed) and the frozen searches per priority. */
    public record Outcome(List<MiniGridCurveRun.Result> results, List<FrozenSearch> frozen, String summary) {
    }

    /** One priority's searches with the frozen policy. */
    public record FrozenSearch(String priority, double meanCandidates, double seCandidates, double meanReturn,
                               Map<Double, Integer> returnCounts) {
    }

    private MiniGridExperiment() {
    }

    /** Every curve that {@code --curves} can name: the figure's, then the candidates run only when named. */
    private static List<MiniGridSetup.Curve> named(MiniGridSetup setup) {
        List<MiniGridSetup.Curve> all = new ArrayList<>(setup.curves());
        all.addAll(setup.candidates());
        return all;
    }

    /** The maps (updates) all the curves of a run will train, for a progress total. */
    public static long totalMaps(MiniGridSetup setup, List<String> only) {
        long n = only.isEmpty() ? setup.curves().size()
                : named(setup).stream().filter(c -> only.contains(c.name())).count();
        return n * setup.seeds() * setup.maps();
    }

    public static Outcome run(MiniGridSetup setup, List<String> only, int threads, Path out, ProgressSink sink,
                              Consumer<String> progress) {
        List<MiniGridSetup.Curve> curves = new ArrayList<>();
        if (only.isEmpty()) {
            curves.addAll(setup.curves());
        }
        for (String name : only) { // in the order asked for: the first ones finish first
            named(setup).stream().filter(c -> c.name().equals(name)).findFirst().ifPresent(curves::add);
        }
        if (curves.isEmpty()) {
            throw new IllegalArgumentException("--curves: none of " + only + " is a curve; curves are "
                    + named(setup).stream().map(MiniGridSetup.Curve::name).toList());
        }
        Path frozenFile = out.resolve("frozen-alpha0.2-policy.csv");
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        List<Future<MiniGridCurveRun.Result>> futures = new ArrayList<>();
        try {
            for (MiniGridSetup.Curve c : curves) {
                for (long seed = 0; seed < setup.seeds(); seed++) {
                    long sd = seed;
                    Consumer<double[]> freeze = c.name().equals("dirpg-astar-0.2") && sd == 0 && !Files.exists(frozenFile)
                            ? theta -> writeVector(frozenFile, theta) : null;
                    futures.add(pool.submit(() -> MiniGridCurveRun.run(setup, c, sd, out, freeze, sink, progress)));
                }
            }
            List<MiniGridCurveRun.Result> results = new ArrayList<>();
            for (Future<MiniGridCurveRun.Result> f : futures) {
                results.add(f.get());
            }
            List<FrozenSearch> frozen = Files.exists(frozenFile) ? frozenSearches(setup, readVector(frozenFile)) : List.of();
            String summary = MiniGridReport.write(setup, results, frozen, out);
            return new Outcome(results, frozen, summary);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Fig. 3c: the frozen policy searched with every priority on the same maps and the same Gumbel seeds. */
    static List<FrozenSearch> frozenSearches(MiniGridSetup setup, double[] theta) {
        TrainSettings base = setup.base();
        List<FrozenSearch> out = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("gumbel"));
        for (double a : setup.alphas()) {
            names.add("astar-" + a);
        }
        names.add("astar-0.2-valid-bound");
        try (Environment env = TrainerFactory.environment(base)) {
            Policy policy = TrainerFactory.policy(base, env);
            policy.setParameters(theta);
            for (String name : names) {
                SearchConfig config = searchConfig(name, setup.budget());
                java.util.SplittableRandom rng = new java.util.SplittableRandom(MiniGridCurveRun.EVAL_SEED + 3);
                double[] counts = new double[setup.frozenMaps()];
                double sum = 0;
                long n = 0;
                Map<Double, Integer> hist = new TreeMap<>();
                for (int m = 0; m < setup.frozenMaps(); m++) {
                    TrajectoryGenerator gen = new TrajectoryGenerator(env, policy, config, env.reset(rng.nextLong()), rng.nextLong());
                    Candidate c;
                    while ((c = gen.next()) != null) {
                        counts[m]++;
                        sum += c.ret();
                        n++;
                        hist.merge(c.ret(), 1, Integer::sum);
                    }
                }
                double mean = 0;
                for (double c : counts) {
                    mean += c / counts.length;
                }
                double var = 0;
                for (double c : counts) {
                    var += (c - mean) * (c - mean) / Math.max(1, counts.length - 1);
                }
                out.add(new FrozenSearch(name, mean, Math.sqrt(var / counts.length), n == 0 ? Double.NaN : sum / n, hist));
            }
        }
        return out;
    }

    /** The search of a Fig. 3c priority name; the A* ones prune by the valid bound, as in training. */
    static SearchConfig searchConfig(String name, long budget) {
        if (name.equals("gumbel")) {
            return SearchConfig.gumbel(1.0, budget, false);
        }
        boolean valid = name.endsWith("-valid-bound");
        double alpha = Double.parseDouble(name.substring("astar-".length(), valid ? name.length() - "-valid-bound".length() : name.length()));
        return SearchConfig.astar(1.0, alpha, budget, false).withHeuristic(valid ? Heuristic.VALID_BOUND : Heuristic.DISCOUNTED);
    }

    private static void writeVector(Path file, double[] v) {
        try {
            Files.createDirectories(file.getParent());
            StringBuilder b = new StringBuilder();
            for (double x : v) {
                b.append(x).append('\n');
            }
            Files.writeString(file, b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] readVector(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).mapToDouble(Double::parseDouble).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mean of a metric over bins of {@code bin} consecutive maps. */
    static double[] binned(List<UpdateMetrics> metrics, int bin, java.util.function.ToDoubleFunction<UpdateMetrics> f) {
        int n = metrics.size() / bin;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = i * bin; j < (i + 1) * bin; j++) {
                s += f.applyAsDouble(metrics.get(j));
            }
            out[i] = s / bin;
        }
        return out;
    }
}
