package org.dirpg.experiment;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.search.Heuristic;
import org.dirpg.search.Priority;
import org.dirpg.train.Algorithm;
import org.dirpg.train.TrainSettings;

/**
 * The suite "DirPG beyond the paper": environments no one here wrote ({@link SuiteEnv#all()}), served by the Python env
 * server through the protocol, and the methods a user would compare, all counted in environment steps:
 * <ul>
 *   <li>{@code dirpg-gumbel}: DirPG (Algorithm 1) with the search of Algorithm 2 under the Gumbel priority;</li>
 *   <li>{@code dirpg-astar}: the A* priority G + eps (L + alpha U) with alpha 0.2 and pruning by the env's valid bound,
 *       where the env has one ({@link SuiteEnv#specBound()});</li>
 *   <li>{@code reinforce-rtg}: REINFORCE with rewards-to-go and the leave-one-out baseline;</li>
 *   <li>{@code cem}: the cross-entropy method (the best 2 rollouts of each update);</li>
 *   <li>{@code ppo}: Stable-Baselines3's PPO with its default hyperparameters (python-client's {@code [sb3]} extra;
 *       skipped with a message where it is absent).</li>
 * </ul>
 * Every method spends {@link SuiteEnv#perUpdate()} interactions per update (DirPG's search budget; four rollouts of at
 * most T steps for REINFORCE and CEM), the same Adam learning rate for the three Java methods, and the same budget
 * per environment. Every run is judged by held-out evaluations at 0, 1/4, 1/2 and all of its budget on the same fixed
 * episodes (reset seeds {@link #EVAL_SEED} + i), actions sampled from the policy.
 *
 * @param scale        quick or full
 * @param fraction     the share of each env's full budget a run gets (1 at the full scale)
 * @param seeds        seeds per (env, method)
 * @param evalEpisodes episodes of each held-out evaluation
 * @param learningRate Adam's step size for DirPG, REINFORCE and CEM
 * @param envs         the environments
 */
public record SuiteSetup(String scale, double fraction, int seeds, int evalEpisodes, double learningRate,
                         List<SuiteEnv> envs) {
    /** The first reset seed of the held-out episodes: the same episodes for every method, seed and language. */
    public static final long EVAL_SEED = 20_261_202L;
    /** Where along a run's budget it is evaluated. */
    public static final double[] CHECKPOINTS = {0, 0.25, 0.5, 1};
    /** The Java methods, in the order of the table. */
    public static final List<String> JAVA_METHODS = List.of("dirpg-gumbel", "dirpg-astar", "reinforce-rtg", "cem");
    public static final String PPO = "ppo";

    public SuiteSetup {
        if (!(fraction > 0 && fraction <= 1) || seeds < 1 || evalEpisodes < 2) {
            throw new IllegalArgumentException("fraction must be in (0, 1], seeds >= 1 and eval episodes >= 2");
        }
        envs = List.copyOf(envs);
    }

    /** Each env's full budget, 3 seeds, 50 held-out episodes per evaluation. */
    public static SuiteSetup full() {
        return new SuiteSetup("full", 1.0, 3, 50, 0.01, SuiteEnv.all());
    }

    /** About an hour on 2 cores: 1/40 of each budget (at least two updates), 3 seeds, 5 held-out episodes. */
    public static SuiteSetup quick() {
        return new SuiteSetup("quick", 1.0 / 40, 3, 5, 0.01, SuiteEnv.all());
    }

    /** A copy with only the named envs (in the order given); an unknown name is an error listing the names. */
    public SuiteSetup only(List<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        List<SuiteEnv> picked = new ArrayList<>();
        for (String n : names) {
            picked.add(envs.stream().filter(e -> e.name().equals(n)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("--envs: '" + n + "' is not an environment of the suite; they are "
                            + envs.stream().map(SuiteEnv::name).toList())));
        }
        return new SuiteSetup(scale, fraction, seeds, evalEpisodes, learningRate, picked);
    }

    public SuiteSetup withSeeds(int n) {
        return new SuiteSetup(scale, fraction, n, evalEpisodes, learningRate, envs);
    }

    /** A run's budget on {@code env}: its share of the full budget, at least two updates. */
    public long interactions(SuiteEnv env) {
        return Math.max(2 * env.perUpdate(), Math.round(env.interactions() * fraction));
    }

    /** The held-out episodes' reset seeds. */
    public long[] evalSeeds() {
        long[] s = new long[evalEpisodes];
        for (int i = 0; i < s.length; i++) {
            s[i] = EVAL_SEED + i;
        }
        return s;
    }

    /** The methods that run on {@code env}: the A* variant only where the env has a bound. */
    public List<String> methods(SuiteEnv env, boolean withPpo) {
        List<String> out = new ArrayList<>();
        for (String m : JAVA_METHODS) {
            if (!m.equals("dirpg-astar") || env.specBound()) {
                out.add(m);
            }
        }
        if (withPpo) {
            out.add(PPO);
        }
        return out;
    }

    /** The training settings of a Java method on {@code env}, served at {@code endpoint}, without the seed. */
    public TrainSettings settings(SuiteEnv env, String method, String endpoint) {
        long perUpdate = env.perUpdate();
        TrainSettings.Builder b = TrainSettings.builder().envId(env.gymId()).remoteEndpoints(List.of(endpoint))
                .epsilon(env.epsilon()).budget(perUpdate).earlyStop(false).prune(false)
                .updates(Math.max(1, interactions(env))).learningRate(learningRate)
                .rollouts((int) (perUpdate / env.maxSteps())).elites(2).maxSteps(env.maxSteps());
        return switch (method) {
            case "dirpg-gumbel" -> b.algorithm(Algorithm.DIRPG).priority(Priority.GUMBEL).build();
            case "dirpg-astar" -> b.algorithm(Algorithm.DIRPG).priority(Priority.ASTAR).alpha(0.2).prune(true)
                    .heuristic(Heuristic.VALID_BOUND).build();
            case "reinforce-rtg" -> b.algorithm(Algorithm.REINFORCE_RTG).build();
            case "cem" -> b.algorithm(Algorithm.CEM).build();
            default -> throw new IllegalArgumentException("not a Java method of the suite: " + method + "; they are "
                    + JAVA_METHODS);
        };
    }
}
