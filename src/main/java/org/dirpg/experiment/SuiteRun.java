package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dirpg.env.Environment;
import org.dirpg.policy.Policy;
import org.dirpg.tensorboard.MetricsBoard;
import org.dirpg.train.ProgressSink;
import org.dirpg.train.Trainer;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import org.dirpg.train.UpdateMetrics;

/**
 * One (env, method, seed) of the suite. A Java method trains update after update until its budget of interactions is
 * spent, and is evaluated on the held-out episodes before its first update and at the first update that reaches each
 * checkpoint of {@link SuiteSetup#CHECKPOINTS}; it writes {@code metrics.csv} and {@code eval.csv}, then a {@code done}
 * marker. PPO ({@link PpoRun}) writes the same {@code eval.csv}. A directory with the marker is read back instead of
 * rerun, so an interrupted suite resumes where it stopped (runs are deterministic by seed).
 */
final class SuiteRun {
    static final String EVAL_HEADER = "fraction,interactions,mean,se,terminated,mean_length";

    /**
     * A finished run: its evaluations, rows of {fraction, interactions, mean, se, terminated, mean length}.
     */
    record Result(String env, String method, long seed, List<double[]> evals) {
        /** The held-out mean at checkpoint {@code fraction}, NaN if the run has no such row. */
        double meanAt(double fraction) {
            return column(fraction, 2);
        }

        /** The interactions spent when checkpoint {@code fraction} was evaluated, NaN if there is no such row. */
        double interactionsAt(double fraction) {
            return column(fraction, 1);
        }

        private double column(double fraction, int c) {
            for (double[] e : evals) {
                if (Math.abs(e[0] - fraction) < 1e-9) {
                    return e[c];
                }
            }
            return Double.NaN;
        }
    }

    private SuiteRun() {
    }

    static Path dir(Path out, String env, String method, long seed) {
        return out.resolve("runs").resolve(env).resolve(method).resolve("seed" + seed);
    }

    static boolean done(Path dir) {
        return Files.exists(dir.resolve("done"));
    }

    /** Trains and evaluates a Java method, or reads back its finished run. */
    static Result runJava(SuiteSetup setup, SuiteEnv env, String method, long seed, String endpoint, Path out,
                          ProgressSink sink) {
        Path dir = dir(out, env.name(), method, seed);
        if (done(dir)) {
            Result r = read(env.name(), method, seed, dir);
            sink.add(0, setup.interactions(env), Double.NaN);
            return r;
        }
        TrainSettings s = setup.settings(env, method, endpoint).toBuilder().seed(seed).build();
        long budget = setup.interactions(env);
        long[] evalSeeds = setup.evalSeeds();
        List<UpdateMetrics> metrics = new ArrayList<>();
        List<double[]> evals = new ArrayList<>();
        try (Environment e = TrainerFactory.environment(s); MetricsBoard board = MetricsBoard.in(dir, "train")) {
            Policy policy = TrainerFactory.policy(s, e);
            Trainer trainer = TrainerFactory.trainer(s, e, policy);
            try {
                evals.add(evaluate(e, policy, env, evalSeeds, seed, 0, 0));
                int next = 1;
                long spent = 0;
                while (next < SuiteSetup.CHECKPOINTS.length) {
                    UpdateMetrics m = trainer.update();
                    metrics.add(m);
                    board.accept(m);
                    // the last update may run past the budget: progress counts up to the budget, so it ends at 100%
                    sink.add(1, Math.min(m.interactions(), budget) - Math.min(spent, budget), m.updateReturn());
                    spent = m.interactions();
                    while (next < SuiteSetup.CHECKPOINTS.length && spent >= SuiteSetup.CHECKPOINTS[next] * budget) {
                        evals.add(evaluate(e, policy, env, evalSeeds, seed, SuiteSetup.CHECKPOINTS[next], spent));
                        next++;
                    }
                }
            } finally {
                if (trainer instanceof AutoCloseable c) {
                    c.close();
                }
            }
        } catch (RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        List<String> rows = new ArrayList<>();
        for (UpdateMetrics m : metrics) {
            rows.add(m.toCsv());
        }
        Csv.write(dir.resolve("metrics.csv"), UpdateMetrics.CSV_HEADER, rows);
        writeEvals(dir, evals);
        markDone(dir);
        return new Result(env.name(), method, seed, evals);
    }

    private static double[] evaluate(Environment e, Policy policy, SuiteEnv env, long[] evalSeeds, long seed,
                                     double fraction, long interactions) {
        Evaluation ev = Evaluation.onSeeds(e, policy, evalSeeds, false, env.maxSteps(), SuiteSetup.EVAL_SEED ^ seed);
        return new double[] {fraction, interactions, ev.mean(), ev.stdError(), ev.terminated(), ev.meanLength()};
    }

    static void writeEvals(Path dir, List<double[]> evals) {
        List<String> rows = new ArrayList<>();
        for (double[] e : evals) {
            rows.add(String.format(Locale.ROOT, "%s,%d,%s,%s,%s,%s", e[0], (long) e[1], e[2], e[3], e[4], e[5]));
        }
        Csv.write(dir.resolve("eval.csv"), EVAL_HEADER, rows);
    }

    static void markDone(Path dir) {
        try {
            Path tmp = Files.createTempFile(dir, "done", ".tmp");
            Files.move(tmp, dir.resolve("done"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + dir + " done: " + e.getMessage(), e);
        }
    }

    /** Reads a finished run's {@code eval.csv}. */
    static Result read(String env, String method, long seed, Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("eval.csv"));
            if (lines.isEmpty() || !lines.get(0).equals(EVAL_HEADER)) {
                throw new IllegalStateException(dir.resolve("eval.csv") + ": expected the header '" + EVAL_HEADER
                        + "'; delete the directory to rerun the run");
            }
            List<double[]> evals = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                double[] row = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    row[i] = Double.parseDouble(f[i]);
                }
                evals.add(row);
            }
            return new Result(env, method, seed, evals);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the finished run in " + dir + ": " + e.getMessage(), e);
        }
    }
}
