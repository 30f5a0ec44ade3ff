package org.dirpg.cli;

import java.util.concurrent.Callable;
import org.dirpg.bench.CoreBench;
import org.dirpg.policy.dl4j.Dl4jBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dirpg bench}: prints throughput figures of the search, the trainers and the policies. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Print throughput figures (no assertions).")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--suite", defaultValue = "core", description = "core, dl4j, twin (the Java MiniGrid twin), minigrid "
            + "(with --remote: the Python server and the twin) or all. Default: ${DEFAULT-VALUE}.")
    String suite;

    @Option(names = "--seconds", defaultValue = "2", description = "Measuring window per figure. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--remote", split = ",", description = "Env server endpoints for --suite minigrid.")
    java.util.List<String> remote = new java.util.ArrayList<>();

    @Option(names = "--env", defaultValue = "MiniGrid-MultiRoom-N6-v0", description = "Served env id for --suite minigrid. Default: ${DEFAULT-VALUE}.")
    String env;

    @Option(names = "--python-steps", defaultValue = "0", description = "Python MiniGrid's in-process env.step rate "
            + "measured in the same run (scripts/bench-minigrid.sh passes it), for the twin's ratio.")
    double pythonSteps;

    @Option(names = "--in-flight", defaultValue = "4", description = "K for the in-flight figures. Default: ${DEFAULT-VALUE}.")
    int inFlight;

    @picocli.CommandLine.Mixin
    ProgressOptions progressOptions;

    /** The result lines each suite prints (its progress total). */
    private int results() {
        return switch (suite) {
            case "core" -> CoreBench.LINES;
            case "dl4j" -> Dl4jBench.LINES;
            case "twin" -> org.dirpg.bench.TwinBench.LINES;
            case "minigrid" -> org.dirpg.bench.MiniGridBench.lines(pythonSteps);
            case "all" -> CoreBench.LINES + Dl4jBench.LINES;
            default -> throw new IllegalArgumentException("--suite: unknown '" + suite + "'; expected core, dl4j, twin, minigrid or all");
        };
    }

    @Override
    public Integer call() {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
        }
        System.out.printf("machine: %d cores, Java %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.arch"));
        try (Progress progress = progressOptions.start("bench " + suite, results(), "results", false)) {
            run(new java.io.PrintStream(new LineCountingStream(System.out, progress), true,
                    java.nio.charset.StandardCharsets.UTF_8));
            progress.done();
        }
        return 0;
    }

    /** Runs the suite, printing its result lines on {@code out}. */
    private void run(java.io.PrintStream out) {
        switch (suite) {
            case "core":
                CoreBench.run(seconds, out);
                break;
            case "dl4j":
                Dl4jBench.run(1, out);
                break;
            case "minigrid":
                if (remote.isEmpty()) {
                    throw new IllegalArgumentException("--suite minigrid needs --remote host:port of a MiniGrid env server");
                }
                org.dirpg.bench.MiniGridBench.run(remote, env, seconds, inFlight, pythonSteps, out);
                break;
            case "twin":
                org.dirpg.bench.TwinBench.run(seconds, out);
                break;
            case "all":
                CoreBench.run(seconds, out);
                Dl4jBench.run(1, out);
                break;
            default:
                throw new IllegalStateException("unreachable: results() rejects suite " + suite);
        }
    }
}
