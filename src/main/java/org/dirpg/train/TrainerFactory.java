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
import org.dirpg.policy.dl4j.MiniGridConvPolicy;
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

    /** The policy named by the settings; "auto" picks Bernoulli for the bandit, the conv net for MiniGrid views. */
    public static Policy policy(TrainSettings s, Environment env) {
        String name = s.policy();
        EnvironmentSpec spec = env.spec();
        if (name.equals("auto")) {
            if (env instanceof SpanningTreeBandit) {
                name = "bernoulli";
            } else if (isMiniGridView(spec)) {
                name = "conv";
            } else {
                name = "linear";
            }
        }
        if (name.equals("conv")) {
            if (!isMiniGridView(spec)) {
                throw new IllegalArgumentException("policy 'conv' needs a MiniGrid observation (image uint8 [7, 7, 3] and "
                        + "direction), but " + spec.id() + " observes " + spec.observation());
            }
            return new MiniGridConvPolicy(s.seed());
        }
        return Policies.create(name, spec, s.initScale(), s.seed());
    }

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
                        s.algorithm() == Algorithm.REINFORCE_RTG, !s.reinforceNoBaseline(), s.maxSteps(), seed);
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
