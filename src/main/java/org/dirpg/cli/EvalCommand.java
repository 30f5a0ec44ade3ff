package org.dirpg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dirpg.env.Environment;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.classic.Environments;
import org.dirpg.env.minigrid.MultiRoomEnvironment;
import org.dirpg.experiment.Evaluation;
import org.dirpg.experiment.PathProbability;
import org.dirpg.policy.Policy;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dirpg eval}: the mean return of a checkpointed policy over fresh episodes, with its standard error. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint (from train or the server): sample episodes from the policy, print the mean return.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "checkpoint.json written by train or SaveCheckpoint (or a .json.gz, as under models/).")
    Path checkpoint;

    @Option(names = "--episodes", defaultValue = "1000", description = "Episodes to sample. Default: ${DEFAULT-VALUE}.")
    int episodes;

    @Option(names = "--seed", defaultValue = "12345", description = "Seed of the evaluation episodes. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--remote", split = ",", description = "Env server endpoints, replacing the checkpoint's. A policy "
            + "trained on a Java MiniGrid twin is evaluated on the MiniGrid id the twin reproduces.")
    List<String> remote = new ArrayList<>();

    @Option(names = "--env", description = "Environment id, replacing the checkpoint's. For a checkpoint trained on "
            + "env servers, also give --remote (evaluate there) or --native (evaluate in process).")
    String env;

    @Option(names = "--native", description = "Evaluate on the native environment of the id (--env, or the "
            + "checkpoint's), in process, even if the checkpoint was trained on env servers.")
    boolean nativeEnv;

    @picocli.CommandLine.Mixin
    RemoteCredentialOptions remoteCredentials;

    @Option(names = "--greedy", description = "Take the most probable action instead of sampling.")
    boolean greedy;

    @picocli.CommandLine.Mixin
    ProgressOptions progressOptions;

    @Option(names = "--max-steps", defaultValue = "10000", description = "Safety limit on an episode's length. Default: ${DEFAULT-VALUE}.")
    int maxSteps;

    @Override
    public Integer call() throws IOException {
        if (episodes < 2) {
            throw new IllegalArgumentException("--episodes must be at least 2, got " + episodes);
        }
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException("--checkpoint: no file at " + checkpoint);
        }
        Checkpoint ck = Checkpoint.read(checkpoint);
        if (ck.parameters() == null) {
            throw new IllegalArgumentException("--checkpoint: " + checkpoint + " holds no policy parameters (a UCB run?)");
        }
        TrainSettings s = ck.settings();
        if (nativeEnv && !remote.isEmpty()) {
            throw new IllegalArgumentException("--native and --remote exclude each other: evaluate in process or on env servers");
        }
        if (env != null && !s.remoteEndpoints().isEmpty() && remote.isEmpty() && !nativeEnv) {
            throw new IllegalArgumentException("--env " + env + ": the checkpoint was trained on " + s.envId() + " at "
                    + String.join(",", s.remoteEndpoints()) + "; add --native to evaluate " + env + " in process, or "
                    + "--remote host:port for the env servers that serve it");
        }
        String envId = env != null ? env : !remote.isEmpty() && s.envId().startsWith(MultiRoomEnvironment.PREFIX)
                ? ((MultiRoomEnvironment) Environments.make(s.envId(), s.envOptions())).minigridId() : s.envId();
        TrainSettings.Builder b = s.toBuilder().envId(envId);
        if (!remote.isEmpty()) {
            b.remoteEndpoints(remote);
        } else if (nativeEnv) {
            b.remoteEndpoints(java.util.List.of());
        }
        if (!envId.equals(s.envId())) {
            b.envOptions(envId.startsWith(MultiRoomEnvironment.PREFIX) ? s.envOptions() : java.util.Map.of());
        }
        s = b.build();
        try (Environment environment = TrainerFactory.environment(s,
                org.dirpg.env.remote.RemoteOptions.defaults().withCredentials(remoteCredentials.toCredentials()))) {
            Policy policy = TrainerFactory.policy(s, environment);
            TrainerFactory.restore(ck, policy, s.envId());
            Evaluation e;
            try (Progress progress = progressOptions.start("eval", episodes, "episodes", true)) {
                e = Evaluation.run(environment, policy, episodes, seed, greedy, maxSteps, progress);
                progress.done();
            }
            System.out.printf("%s on %s after %d updates (%s actions): mean return %.4f +- %.4f (standard error, %d "
                            + "episodes); terminated %.1f%%, mean length %.1f%n",
                    s.algorithm().cliName(), s.envId(), ck.updatesDone(), greedy ? "greedy" : "sampled", e.mean(),
                    e.stdError(), episodes, 100 * e.terminated(), e.meanLength());
            if (environment instanceof DeepSea sea) {
                int steps = sea.size() - 1;
                System.out.printf("P(LLLL) = %.3f, P(RRRR) = %.3f%n",
                        PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.LEFT, steps)),
                        PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.RIGHT, steps)));
            }
        }
        return 0;
    }
}
