package org.dirpg.train;

import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.classic.Environments;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.env.remote.RemoteEnvironment;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policies;
import org.dirpg.policy.Policy;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.policy.net.EncodedPolicy;
import org.dirpg.policy.net.NetPolicy;
import org.dirpg.policy.net.NetSpec;
import org.dirpg.policy.net.SpaceNets;
import org.dirpg.search.SearchConfig;

/** Builds the environment, policy and trainer that a {@link TrainSettings} describes. */
public final class TrainerFactory {
    private TrainerFactory() {
    }

    /**
     * The environment of the settings: served by the env servers at {@code remoteEndpoints} when there are any (the
     * id names the served environment; options are the server's business), else the native one.
     */
    public static Environment environment(TrainSettings s) {
        return environment(s, RemoteOptions.defaults());
    }

    /** As {@link #environment(TrainSettings)}, calling a remote environment's servers with {@code remote}. */
    public static Environment environment(TrainSettings s, RemoteOptions remote) {
        if (!s.remoteEndpoints().isEmpty()) {
            if (!s.envOptions().isEmpty()) {
                throw new IllegalArgumentException("env_options: a remote environment is configured by its server; got "
                        + s.envOptions().keySet() + " for " + s.envId());
            }
            return RemoteEnvironment.connectTargets(s.envId(), s.remoteEndpoints(), remote);
        }
        return Environments.make(s.envId(), s.envOptions());
    }

    /** The policy kinds {@link #policy} builds (the command line's and the trainer protocol's {@code policy}). */
    public static final java.util.List<String> POLICY_KINDS =
            java.util.List.of("auto", "mlp", "cnn", "multi", "linear", "bernoulli", "conv");

    /**
     * The policy the settings name, built from the environment's observation spaces ({@link SpaceNets}): "auto" (the
     * default) is a multi-input network with a CNN when some part is an image and an MLP otherwise; "mlp", "cnn",
     * "multi" as {@link SpaceNets} says, shaped by the settings' {@code net} and {@code cnn}; "linear" the linear
     * softmax on the encoded observation (one-hot Discrete parts, scaled Boxes); "bernoulli" the per-decision policy
     * of the spanning-tree bandit; "conv" the paper's MiniGrid network ("multi" with the paper's CNN and no hidden
     * layers). {@value #LEGACY_AUTO} is "auto" as checkpoints written before the spaces existed meant it.
     */
    public static Policy policy(TrainSettings s, Environment env) {
        return policy(s, env.spec(), env instanceof SpanningTreeBandit);
    }

    /** "auto" in a checkpoint written before policies were built from the observation spaces. */
    public static final String LEGACY_AUTO = "legacy-auto";

    private static Policy policy(TrainSettings s, EnvironmentSpec spec, boolean bandit) {
        String name = s.policy();
        if (name.equals(LEGACY_AUTO)) {
            name = bandit ? "bernoulli" : isMiniGridView(spec) ? "conv" : "linear";
        }
        if (!POLICY_KINDS.contains(name)) {
            throw new IllegalArgumentException("policy: unknown '" + name + "'; known: " + String.join(", ", POLICY_KINDS));
        }
        if ((name.equals("bernoulli") || name.equals("linear") || name.equals("conv"))
                && (s.cnn() != null || (s.net() != null && !s.net().equals("none")))) {
            throw new IllegalArgumentException("policy: '" + name + "' takes no --net or --cnn; use --policy mlp, cnn or "
                    + "multi to shape a network");
        }
        switch (name) {
            case "bernoulli":
                return Policies.create("bernoulli", spec, s.initScale(), s.seed());
            case "linear": {
                NetSpec net = SpaceNets.build(spec, "linear", null, null);
                return new EncodedPolicy(net, new LinearSoftmaxPolicy(net.vectorWidth(), spec.numActions(),
                        s.initScale(), s.seed()));
            }
            case "conv":
                if (!isMiniGridView(spec)) {
                    throw new IllegalArgumentException("policy: 'conv' (the paper's MiniGrid network) needs an image "
                            + "uint8 [7, 7, 3] and a direction, but " + spec.id() + " observes " + spec.observation()
                            + "; use --policy auto");
                }
                return new NetPolicy(SpaceNets.build(spec, "cnn", "none", SpaceNets.PAPER_CNN), s.seed());
            default:
                try {
                    return new NetPolicy(SpaceNets.build(spec, name, s.net(), s.cnn()), s.seed());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("policy: " + e.getMessage(), e);
                }
        }
    }

    /**
     * Sets the theta of {@code checkpoint} into {@code policy}, built for environment {@code envId} here; when the
     * sizes differ (another environment, other options or another architecture), fails with one line naming the
     * checkpoint's environment and policy settings and the policy built here.
     */
    public static void restore(Checkpoint checkpoint, Policy policy, String envId) {
        double[] theta = checkpoint.parameters();
        if (theta.length != policy.numParameters()) {
            TrainSettings s = checkpoint.settings();
            String options = s.envOptions().isEmpty() ? "" : " " + s.envOptions();
            String arch = "--policy " + s.policy() + (s.net() != null ? " --net " + s.net() : "")
                    + (s.cnn() != null ? " --cnn " + s.cnn() : "");
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "checkpoint: trained on %s%s with "
                    + "%s (%,d parameters), but on %s here the policy is %s; evaluate it on the environment and options it "
                    + "was trained on", s.envId(), options, arch, theta.length, envId,
                    describe(policy).replaceFirst("^policy: ", "")));
        }
        policy.setParameters(theta);
    }

    /** The line that says what {@code policy} is, for the start of a run. */
    public static String describe(Policy policy) {
        if (policy instanceof NetPolicy net) {
            return net.describe();
        }
        if (policy instanceof EncodedPolicy enc) {
            return "policy: linear softmax on " + enc.encodedSize() + " encoded features -> " + policy.numActions()
                    + " logits, " + String.format(java.util.Locale.ROOT, "%,d", policy.numParameters()) + " parameters";
        }
        return "policy: " + policy.getClass().getSimpleName() + ", "
                + String.format(java.util.Locale.ROOT, "%,d", policy.numParameters()) + " parameters";
    }

    /** An image uint8 [7, 7, 3] then a direction, with 7 actions: the observation the paper's network reads. */
    static boolean isMiniGridView(EnvironmentSpec spec) {
        return spec.observation().size() == 2
                && spec.observation().get(0).name().equals("image")
                && java.util.Arrays.equals(spec.observation().get(0).shape(), new int[] {7, 7, 3})
                && spec.observation().get(0).dtype().equals("uint8")
                && spec.observation().get(1).name().equals("direction")
                && spec.numActions() == 7;
    }

    /** The search settings of a DirPG run; {@code maxSteps} caps its trajectories as it caps rollouts. */
    public static SearchConfig searchConfig(TrainSettings s) {
        return new SearchConfig(s.epsilon(), s.priority(), s.alpha(), s.budget(), s.earlyStop(), s.prune(),
                s.expansionsPerRound(), s.heuristic()).withEpisodeCap(s.maxSteps());
    }

    /** The trainer for the settings on {@code env}, training {@code policy} (ignored by UCB). */
    public static Trainer trainer(TrainSettings s, Environment env, Policy policy) {
        long seed = s.seed() ^ 0x7F4A7C15L;
        switch (s.algorithm()) {
            case DIRPG:
                return new DirPGTrainer(env, policy, searchConfig(s), new Adam(s.learningRate()), seed, s.searchesInFlight());
            case REINFORCE:
            case REINFORCE_RTG:
                return new ReinforceTrainer(env, policy, new Adam(s.learningRate()), s.rollouts(),
                        s.algorithm() == Algorithm.REINFORCE_RTG, !s.reinforceNoBaseline(), s.reinforceVariant(), s.maxSteps(),
                        seed);
            case CEM:
                return new CrossEntropyTrainer(env, policy, new Adam(s.learningRate()), s.rollouts(), s.elites(), s.maxSteps(), seed);
            case UCB_SEMI:
            case UCB_FULL:
                if (!(env instanceof SpanningTreeBandit bandit)) {
                    throw new IllegalArgumentException("algorithm " + s.algorithm().cliName() + " needs the "
                            + SpanningTreeBandit.ID + " environment, got " + env.spec().id());
                }
                return new UcbTrainer(bandit, s.algorithm() == Algorithm.UCB_SEMI, seed);
            default:
                throw new IllegalArgumentException("unknown algorithm " + s.algorithm());
        }
    }
}
