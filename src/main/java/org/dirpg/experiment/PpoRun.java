package org.dirpg.experiment;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The suite's PPO runs: Stable-Baselines3 in a Python child process ({@code python -m dirpg.ppo_baseline}), which
 * trains on the same Gymnasium env and kwargs as the suite's env server and writes the same {@code eval.csv} as
 * {@link SuiteRun}.
 *
 * <p>Call order: {@link #available} once (is SB3 importable by the interpreter?), then {@link #run} per (env, seed).
 */
final class PpoRun {
    private PpoRun() {
    }

    /**
     * Null when {@code python} can import stable_baselines3, else the one-line reason PPO is skipped and what would
     * enable it.
     */
    static String unavailable(Path python, Path workDir) {
        if (!Files.isExecutable(python)) {
            return "PPO skipped: " + python + " is not an executable interpreter; name one with --ppo-python";
        }
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import stable_baselines3")
                    .directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "PPO skipped: " + python + " took over 120 s to import stable_baselines3";
            }
            return p.exitValue() == 0 ? null : "PPO skipped: stable_baselines3 is not installed for " + python
                    + "; install python-client's extra (pip install -e 'python-client[sb3]') or name such an "
                    + "interpreter with --ppo-python";
        } catch (IOException e) {
            return "PPO skipped: cannot start " + python + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "PPO skipped: interrupted";
        }
    }

    /** Trains and evaluates PPO on {@code env} with {@code seed}, or reads back its finished run. */
    static SuiteRun.Result run(SuiteSetup setup, SuiteEnv env, long seed, Path python, Path workDir, Path out) {
        Path dir = SuiteRun.dir(out, env.name(), SuiteSetup.PPO, seed);
        if (SuiteRun.done(dir)) {
            return SuiteRun.read(env.name(), SuiteSetup.PPO, seed, dir);
        }
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "-m", "dirpg.ppo_baseline", "--env", env.gymId(),
                "--max-steps", Integer.toString(env.maxSteps()), "--interactions",
                Long.toString(setup.interactions(env)), "--seed", Long.toString(seed), "--eval-seed",
                Long.toString(SuiteSetup.EVAL_SEED), "--eval-episodes", Integer.toString(setup.evalEpisodes()),
                "--out", dir.toAbsolutePath().toString()));
        if (env.envKwargs() != null) {
            cmd.add("--env-kwargs");
            cmd.add(env.envKwargs());
        }
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("ppo.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("OMP_NUM_THREADS", "1");
            Process p = pb.start();
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException("PPO on " + env.name() + " seed " + seed + " exited with " + code
                        + "; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("PPO on " + env.name() + ": cannot start " + python + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        SuiteRun.markDone(dir);
        return SuiteRun.read(env.name(), SuiteSetup.PPO, seed, dir);
    }
}
