package org.dirpg.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dirpg.search.Heuristic;
import org.dirpg.search.Priority;
import org.dirpg.train.Algorithm;
import org.dirpg.train.TrainSettings;
import picocli.CommandLine.Option;

/** The options every training command shares; {@link #settings()} validates them into a {@link TrainSettings}. */
public final class SettingsOptions {
    @Option(names = "--env", description = "Environment id: native (${COMPLETION-CANDIDATES}), or served remotely "
            + "with --remote. Default: ${DEFAULT-VALUE}.", defaultValue = "DeepSea-v0", completionCandidates = NativeIds.class)
    String env;

    @Option(names = {"-o", "--env-option"}, description = "Environment option name=value (repeatable).")
    Map<String, String> envOptions = new LinkedHashMap<>();

    @Option(names = "--remote", split = ",", description = "Env server endpoints host:port[,host:port...]; train on the remote env.")
    List<String> remote = new ArrayList<>();

    @Option(names = "--algo", description = "dirpg, reinforce, reinforce-rtg, cem, ucb-semi, ucb-full. Default: ${DEFAULT-VALUE}.",
            defaultValue = "dirpg")
    String algorithm;

    @Option(names = "--epsilon", description = "eps of eq. (6); non-zero. Default: ${DEFAULT-VALUE}.", defaultValue = "1.0")
    double epsilon;

    @Option(names = "--priority", description = "gumbel or astar. Default: ${DEFAULT-VALUE}.", defaultValue = "gumbel")
    String priority;

    @Option(names = "--alpha", description = "Weight of the bound U in the A* priority, in [0, 1]. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0.0")
    double alpha;

    @Option(names = "--budget", description = "Interactions per search. Default: ${DEFAULT-VALUE}.", defaultValue = "100")
    long budget;

    @Option(names = "--early-stop", negatable = true, description = "Stop each search at the first improvement. Default: true.",
            defaultValue = "true", fallbackValue = "true")
    boolean earlyStop;

    @Option(names = "--prune", description = "Prune regions by the bound G + eps (L + U). Default: false.")
    boolean prune;

    @Option(names = {"-n", "--updates"}, description = "Number of updates (episodes). Default: ${DEFAULT-VALUE}.",
            defaultValue = "20000")
    long updates;

    @Option(names = {"--lr", "--learning-rate"}, description = "Adam learning rate (learning_rate in the protocol "
            + "and in Python). Default: ${DEFAULT-VALUE}.", defaultValue = "0.001")
    double learningRate;

    @Option(names = "--seed", description = "The run's seed. Default: ${DEFAULT-VALUE}.", defaultValue = "0")
    long seed;

    @Option(names = "--rollouts", description = "REINFORCE/CEM trajectories per update. Default: ${DEFAULT-VALUE}.",
            defaultValue = "30")
    int rollouts;

    @Option(names = "--no-baseline", description = "REINFORCE: use the plain returns, without the leave-one-out "
            + "baseline (as the authors' reinforce.py).")
    boolean noBaseline;

    @Option(names = "--elites", description = "CEM elites per update. Default: ${DEFAULT-VALUE}.", defaultValue = "2")
    int elites;

    @Option(names = "--policy", description = "auto (a network built from the observation spaces: a CNN for images, "
            + "one-hot for Discrete parts, scaling for bounded Boxes, an MLP otherwise), mlp, cnn, multi, linear, "
            + "bernoulli, conv (the paper's MiniGrid net). Default: ${DEFAULT-VALUE}.", defaultValue = "auto")
    String policy;

    @Option(names = "--net", description = "Hidden layers after the parts are concatenated, as SB3's net_arch: 64,64 "
            + "(tanh; add :relu for ReLU) or none. Default: 64,64 without a CNN, none with one.")
    String net;

    @Option(names = "--cnn", description = "The CNN of image parts: paper (3x3 convs 32,48,64 of App. C.3, unscaled "
            + "input), nature (NatureCNN, pixels / 255) or KxK[/S]:c1,c2,... (ReLU after each, input scaled to [0, 1]). "
            + "Default: paper below 32x32, nature from 32x32.")
    String cnn;

    @Option(names = "--init-scale", description = "Std of the initial random weights. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0.0")
    double initScale;

    @Option(names = "--searches-in-flight", description = "DirPG: episodes searched concurrently per update (K). Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int searchesInFlight;

    @Option(names = "--expansions-per-round", description = "DirPG: regions expanded together per round after a_opt "
            + "(1 = strict best-first). Default: ${DEFAULT-VALUE}.", defaultValue = "1")
    int expansionsPerRound;

    @Option(names = "--heuristic", description = "DirPG: the U of the A* priority: valid-bound (the environment's upper "
            + "bound) or discounted (its heuristic, e.g. the authors' MultiRoom one; pruning always uses the bound). "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "valid-bound")
    String heuristic;

    @Option(names = "--max-steps", description = "The cap on an episode's length: a rollout or a DirPG search "
            + "trajectory still running after this many steps is cut there, as Gymnasium's TimeLimit does. It is what "
            + "ends episodes of an environment that declares no limit (e.g. CliffWalking-v1). Default: ${DEFAULT-VALUE}.",
            defaultValue = "10000")
    int maxSteps;

    /** The native environment ids, for {@code --env}'s help. */
    static final class NativeIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return org.dirpg.env.classic.Environments.nativeIds().iterator();
        }
    }

    /** The validated settings; bad values throw IllegalArgumentException naming the option. */
    public TrainSettings settings() {
        return TrainSettings.builder()
                .envId(env)
                .envOptions(envOptions)
                .remoteEndpoints(remote)
                .algorithm(Algorithm.parse(algorithm))
                .epsilon(epsilon)
                .priority(parsePriority(priority))
                .alpha(alpha)
                .budget(budget)
                .earlyStop(earlyStop)
                .prune(prune)
                .updates(updates)
                .learningRate(learningRate)
                .seed(seed)
                .rollouts(rollouts)
                .elites(elites)
                .policy(policy)
                .net(net)
                .cnn(cnn)
                .initScale(initScale)
                .searchesInFlight(searchesInFlight)
                .expansionsPerRound(expansionsPerRound)
                .heuristic(parseHeuristic(heuristic))
                .reinforceNoBaseline(noBaseline)
                .maxSteps(maxSteps)
                .build();
    }

    static Heuristic parseHeuristic(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "valid-bound" -> Heuristic.VALID_BOUND;
            case "discounted" -> Heuristic.DISCOUNTED;
            default -> throw new IllegalArgumentException("heuristic: must be valid-bound or discounted, got '" + name + "'");
        };
    }

    static Priority parsePriority(String name) {
        switch (name.toLowerCase()) {
            case "gumbel":
                return Priority.GUMBEL;
            case "astar":
                return Priority.ASTAR;
            default:
                throw new IllegalArgumentException("priority: unknown '" + name + "'; expected gumbel or astar");
        }
    }
}
