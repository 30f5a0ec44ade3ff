package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.dirpg.env.Environment;
import org.dirpg.policy.Policy;
import org.dirpg.train.Checkpoint;
import org.dirpg.tensorboard.MetricsBoard;
import org.dirpg.train.ProgressSink;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import org.dirpg.train.UpdateMetrics;

/**
 * One (curve, seed) of Fig. 3: trains for the setup's maps, evaluates on the fixed held-out maps every
 * {@code evalEvery} maps (sampled and greedy actions), and writes {@code metrics.csv}, {@code eval.csv} and the final
 * {@code checkpoint.json} into its directory, then a {@code done} marker. A directory with the marker is read back
 * instead of rerun, so an interrupted experiment resumes with the curves it had not finished (an unfinished curve
 * restarts from its first map; runs are deterministic by seed, so it ends where it would have).
 */
final class MiniGridCurveRun {
    /** The seed of the held-out maps: the same maps for every curve and seed. */
    static final long EVAL_SEED = 20_261_124L;
    static final String EVAL_HEADER = "map,interactions,sampled_mean,sampled_se,sampled_goal,greedy_mean,greedy_se,greedy_goal";

    /** A finished curve's per-map metrics and held-out evaluations (rows of {@link #EVAL_HEADER}). */
    record Result(String curve, long seed, List<UpdateMetrics> metrics, List<double[]> evals) {
    }

    private MiniGridCurveRun() {
    }

    static Path dir(Path out, String curve, long seed) {
        return out.resolve("curves").resolve(curve).resolve("seed" + seed);
    }

    /**
     * Runs or reads back one curve. {@code freeze}, if not null, receives the policy's parameters once when the
     * cumulative interactions first reach {@code frozenAt}.
     */
    static Result run(MiniGridSetup setup, MiniGridSetup.Curve curve, long seed, Path out, Consumer<double[]> freeze,
                      ProgressSink sink, Consumer<String> progress) {
        Path dir = dir(out, curve.name(), seed);
        if (Files.exists(dir.resolve("done"))) {
            Result r = read(curve.name(), seed, dir);
            long spent = r.metrics().isEmpty() ? 0 : r.metrics().get(r.metrics().size() - 1).interactions();
            sink.add(r.metrics().size(), spent, Double.NaN);
            return r;
        }
        TrainSettings s = curve.settings().toBuilder().seed(seed).build();
        List<UpdateMetrics> metrics = new ArrayList<>();
        List<double[]> evals = new ArrayList<>();
        boolean frozen = freeze == null;
        try (Environment env = TrainerFactory.environment(s); MetricsBoard board = MetricsBoard.in(dir, "train")) {
            Policy policy = TrainerFactory.policy(s, env);
            Trainer trainer = TrainerFactory.trainer(s, env, policy);
            try {
                evals.add(evaluate(env, policy, setup, 0, 0));
                board.scalars(0, heldOut(evals.get(0)));
                for (int map = 1; map <= setup.maps(); map++) {
                    UpdateMetrics m = trainer.update();
                    metrics.add(m);
                    board.accept(m);
                    sink.add(m);
                    if (!frozen && m.interactions() >= setup.frozenAt()) {
                        freeze.accept(policy.parameters());
                        frozen = true;
                    }
                    if (map % setup.evalEvery() == 0 || map == setup.maps()) {
                        double[] e = evaluate(env, policy, setup, map, m.interactions());
                        evals.add(e);
                        board.scalars(map, heldOut(e));
                        progress.accept(String.format("%s seed %d: map %d/%d, %,d interactions, held-out return %.1f "
                                + "(sampled), %.1f (greedy)", curve.name(), seed, map, setup.maps(), m.interactions(),
                                e[2], e[5]));
                    }
                }
                write(dir, s, metrics, evals, policy, trainer);
            } finally {
                if (trainer instanceof AutoCloseable c) {
                    c.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e);
        }
        return new Result(curve.name(), seed, metrics, evals);
    }

    /** A row of {@link #EVAL_HEADER} as TensorBoard scalars eval/*, at step = the updates (maps) done before it. */
    private static java.util.Map<String, Double> heldOut(double[] e) {
        return java.util.Map.of("eval/sampled_return", e[2], "eval/sampled_goal", e[4], "eval/greedy_return", e[5],
                "eval/greedy_goal", e[7]);
    }

    private static double[] evaluate(Environment env, Policy policy, MiniGridSetup setup, int map, long interactions) {
        Evaluation sampled = Evaluation.run(env, policy, setup.evalMaps(), EVAL_SEED, false, 100);
        Evaluation greedy = Evaluation.run(env, policy, setup.evalMaps(), EVAL_SEED, true, 100);
        return new double[] {map, interactions, sampled.mean(), sampled.stdError(), sampled.terminated(),
            greedy.mean(), greedy.stdError(), greedy.terminated()};
    }

    private static void write(Path dir, TrainSettings s, List<UpdateMetrics> metrics, List<double[]> evals,
                              Policy policy, Trainer trainer) throws IOException {
        Files.createDirectories(dir);
        List<String> rows = new ArrayList<>();
        for (UpdateMetrics m : metrics) {
            rows.add(m.toCsv());
        }
        Csv.write(dir.resolve("metrics.csv"), UpdateMetrics.CSV_HEADER, rows);
        List<String> evalRows = new ArrayList<>();
        for (double[] e : evals) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < e.length; i++) {
                b.append(i == 0 ? "" : ",").append(i < 2 ? Long.toString((long) e[i]) : Double.toString(e[i]));
            }
            evalRows.add(b.toString());
        }
        Csv.write(dir.resolve("eval.csv"), EVAL_HEADER, evalRows);
        long interactions = metrics.isEmpty() ? 0 : metrics.get(metrics.size() - 1).interactions();
        Checkpoint ck = Checkpoint.of(s, metrics.size(), interactions, policy,
                trainer.adam() == null ? null : trainer.adam().state());
        Files.writeString(dir.resolve("checkpoint.json"), ck.toJson());
        Path tmp = Files.createTempFile(dir, "done", ".tmp");
        Files.move(tmp, dir.resolve("done"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Result read(String curve, long seed, Path dir) {
        try {
            List<UpdateMetrics> metrics = new ArrayList<>();
            List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
            for (String line : lines.subList(1, lines.size())) {
                metrics.add(UpdateMetrics.fromCsv(line));
            }
            List<double[]> evals = new ArrayList<>();
            List<String> evalLines = Files.readAllLines(dir.resolve("eval.csv"));
            for (String line : evalLines.subList(1, evalLines.size())) {
                String[] f = line.split(",");
                double[] e = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    e[i] = Double.parseDouble(f[i]);
                }
                evals.add(e);
            }
            return new Result(curve, seed, metrics, evals);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the finished curve in " + dir + ": " + e.getMessage(), e);
        }
    }
}
