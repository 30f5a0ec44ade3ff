package org.dirpg.cli;

import java.util.concurrent.Callable;
import org.dirpg.bench.CoreBench;
import org.dirpg.policy.dl4j.Dl4jBench;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dirpg bench}: prints throughput figures of the search, the trainers and the policies. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Print throughput figures (no assertions).")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--suite", defaultValue = "core", description = "core, dl4j or all. Default: ${DEFAULT-VALUE}.")
    String suite;

    @Option(names = "--seconds", defaultValue = "2", description = "Measuring window per figure. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Override
    public Integer call() {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
        }
        System.out.printf("machine: %d cores, Java %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.arch"));
        switch (suite) {
            case "core":
                CoreBench.run(seconds, System.out);
                break;
            case "dl4j":
                Dl4jBench.run(DataType.FLOAT, 1, System.out);
                break;
            case "all":
                CoreBench.run(seconds, System.out);
                Dl4jBench.run(DataType.FLOAT, 1, System.out);
                break;
            default:
                throw new IllegalArgumentException("--suite: unknown '" + suite + "'; expected core, dl4j or all");
        }
        return 0;
    }
}
