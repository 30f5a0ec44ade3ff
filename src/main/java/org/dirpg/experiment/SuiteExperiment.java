package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.dirpg.env.remote.PythonEnvServerProcess;
import org.dirpg.train.ProgressSink;

/**
 * The suite of {@link SuiteSetup}: for each environment, a Python env server of its own ({@code python -m
 * dirpg.envserver}, with {@code --spec-bound} where the env allows it) on a free loopback port; the Java methods'
 * (method, seed) runs on {@code threads} threads against it ({@link SuiteRun}; results do not depend on the thread
 * count); PPO's runs in Python child processes ({@link PpoRun}) when Stable-Baselines3 is importable; then the report
 * ({@link SuiteReport}), rewritten after every environment so an interrupted suite shows what it finished. Finished
 * runs are read back, not rerun.
 */
public final class SuiteExperiment {
    /** What the suite measured and its summary. */
    public record Outcome(List<SuiteRun.Result> results, String summary) {
    }

    /**
     * Where the Python side lives.
     *
     * @param python    the interpreter of the env servers (with the dirpg package)
     * @param clientDir the working directory of the Python processes (python-client)
     * @param ppoPython the interpreter of the PPO runs (with the {@code [sb3]} extra), or null for no PPO
     */
    public record Python(Path python, Path clientDir, Path ppoPython) {
    }

    private SuiteExperiment() {
    }

    /** The interactions all the Java runs will spend, for a progress total. */
    public static long totalInteractions(SuiteSetup setup) {
        long n = 0;
        for (SuiteEnv env : setup.envs()) {
            n += setup.interactions(env) * setup.seeds() * setup.methods(env, false).size();
        }
        return n;
    }

    public static Outcome run(SuiteSetup setup, Python py, int threads, Path out, ProgressSink sink,
                              Consumer<String> progress) {
        String ppoNote = py.ppoPython() == null ? "PPO skipped: --no-ppo" : PpoRun.unavailable(py.ppoPython(), py.clientDir());
        if (ppoNote != null) {
            progress.accept(ppoNote);
        }
        boolean ppo = ppoNote == null;
        List<SuiteRun.Result> results = new ArrayList<>();
        String summary = "";
        for (SuiteEnv env : setup.envs()) {
            List<String> methods = setup.methods(env, false);
            int jobs = methods.size() * setup.seeds();
            boolean pending = false;
            for (int j = 0; j < jobs && !pending; j++) {
                pending = !SuiteRun.done(SuiteRun.dir(out, env.name(), methods.get(j / setup.seeds()), j % setup.seeds()));
            }
            List<SuiteRun.Result> envResults;
            if (pending) {
                Path log = out.resolve("logs").resolve("envserver-" + env.name() + ".log");
                try (PythonEnvServerProcess server = PythonEnvServerProcess.start(py.python(), py.clientDir(), log, null,
                        env.gymId(), env.serverArgs())) {
                    String endpoint = server.endpoint().toString();
                    envResults = Parallel.map(jobs, threads, j -> finished(progress, SuiteRun.runJava(setup, env,
                            methods.get(j / setup.seeds()), j % setup.seeds(), endpoint, out, sink)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            } else {
                envResults = Parallel.map(jobs, 1, j -> SuiteRun.runJava(setup, env, methods.get(j / setup.seeds()),
                        j % setup.seeds(), null, out, sink));
            }
            results.addAll(envResults);
            if (ppo) {
                results.addAll(Parallel.map(setup.seeds(), threads, s -> finished(progress,
                        PpoRun.run(setup, env, s, py.ppoPython(), py.clientDir(), out))));
            }
            summary = SuiteReport.write(setup, results, ppoNote, out);
        }
        return new Outcome(results, summary);
    }

    private static SuiteRun.Result finished(Consumer<String> progress, SuiteRun.Result r) {
        double[] last = r.evals().get(r.evals().size() - 1);
        progress.accept(String.format(Locale.ROOT, "%s %s seed %d: held-out return %.2f -> %.2f after %,d interactions",
                r.env(), r.method(), r.seed(), r.evals().get(0)[2], last[2], (long) last[1]));
        return r;
    }
}
