package org.dirpg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.dirpg.env.Environment;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.experiment.PathProbability;
import org.dirpg.policy.Policy;
import org.dirpg.train.Checkpoint;
import org.dirpg.train.Rollout;
import org.dirpg.train.TrainSettings;
import org.dirpg.train.TrainerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dirpg eval}: the mean return of a checkpointed policy over fresh episodes, with its standard error. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint (from train or the server): sample episodes from the policy, print the mean return.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "checkpoint.json written by train or SaveCheckpoint.")
    Path checkpoint;

    @Option(names = "--episodes", defaultValue = "1000", description = "Episodes to sample. Default: ${DEFAULT-VALUE}.")
    int episodes;

    @Option(names = "--seed", defaultValue = "12345", description = "Seed of the evaluation episodes. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--remote", split = ",", description = "Env server endpoints, replacing the checkpoint's.")
    List<String> remote = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (episodes < 2) {
            throw new IllegalArgumentException("--episodes must be at least 2, got " + episodes);
        }
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException("--checkpoint: no file at " + checkpoint);
        }
        Checkpoint ck = Checkpoint.fromJson(Files.readString(checkpoint));
        if (ck.parameters() == null) {
            throw new IllegalArgumentException("--checkpoint: " + checkpoint + " holds no policy parameters (a UCB run?)");
        }
        TrainSettings s = remote.isEmpty() ? ck.settings() : ck.settings().toBuilder().remoteEndpoints(remote).build();
        try (Environment env = TrainerFactory.environment(s)) {
            Policy policy = TrainerFactory.policy(s, env);
            policy.setParameters(ck.parameters());
            SplittableRandom rng = new SplittableRandom(seed);
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < episodes; i++) {
                double r = Rollout.sampleFeasible(env, policy, env.reset(rng.nextLong()), rng, s.maxSteps()).totalReturn();
                sum += r;
                sq += r * r;
            }
            double mean = sum / episodes;
            double se = Math.sqrt(Math.max(0, sq / episodes - mean * mean) / (episodes - 1));
            System.out.printf("%s on %s after %d updates: mean return %.4f +- %.4f (standard error, %d episodes)%n",
                    s.algorithm().cliName(), s.envId(), ck.updatesDone(), mean, se, episodes);
            if (env instanceof DeepSea sea) {
                int steps = sea.size() - 1;
                System.out.printf("P(LLLL) = %.3f, P(RRRR) = %.3f%n",
                        PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.LEFT, steps)),
                        PathProbability.of(sea, policy, 0, PathProbability.repeat(DeepSea.RIGHT, steps)));
            }
        }
        return 0;
    }
}
