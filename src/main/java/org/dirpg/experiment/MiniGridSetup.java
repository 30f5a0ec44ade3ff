package org.dirpg.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dirpg.search.Heuristic;
import org.dirpg.search.Priority;
import org.dirpg.train.Algorithm;
import org.dirpg.train.ReinforceVariant;
import org.dirpg.train.TrainSettings;

/**
 * The settings of Fig. 3 (Sec. 6.3, App. C.3, REFERENCE.md) at a chosen scale: MultiRoom-N6 with the paper reward,
 * actions {left, right, forward, toggle}, at most 100 steps, eps = 1, one Adam step (1e-3) per map and the same
 * interactions per map for every method. The curves: DirPG with the Gumbel-only priority, DirPG with the A* priority
 * G + eps (L + alpha U) for each alpha (U the authors' discounted heuristic, pruning by the valid bound), DirPG at
 * alpha = 0.2 with the valid bound as U (the "A* stall"), REINFORCE action-level and trajectory-level (30 rollouts of
 * 100 steps per map, leave-one-out baselines), REINFORCE action-level without a baseline (the authors' own
 * {@code reinforce.py}) and the cross-entropy method (best 2 of 30).
 *
 * @param maps                maps (updates) per curve; the paper: 3,000
 * @param budget              interactions per map; the paper: 3,000
 * @param seeds               seeds per curve
 * @param evalEvery           a held-out evaluation every this many maps
 * @param evalMaps            fixed fresh maps of each held-out evaluation (the same for every curve)
 * @param frozenAt            Fig. 3c: the alpha = 0.2 policy (seed 0) is frozen after this many interactions
 * @param frozenMaps          Fig. 3c: maps searched with the frozen policy, per priority
 * @param alphas              the A* alphas
 * @param remote              env server endpoints (Python MiniGrid with --paper-reward --actions 0,1,2,5), or empty for
 *                            the Java twin
 */
public record MiniGridSetup(int maps, long budget, int seeds, int evalEvery, int evalMaps, long frozenAt,
                            int frozenMaps, double[] alphas, List<String> remote) {
    /** The twin's id and its options for the paper's setting. */
    public static final String TWIN = "JavaMiniGrid-MultiRoom-N6-v0";
    public static final String MINIGRID = "MiniGrid-MultiRoom-N6-v0";
    static final Map<String, String> PAPER_OPTIONS = Map.of("paperReward", "true", "actions", "0,1,2,5");
    /** The paper's alphas (Fig. 3a). */
    static final double[] PAPER_ALPHAS = {0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 1.0};

    public MiniGridSetup {
        if (maps < 1 || budget < 1 || seeds < 1 || evalEvery < 1 || evalMaps < 2 || frozenMaps < 1) {
            throw new IllegalArgumentException("maps, budget, seeds, eval-every, frozen-maps must be >= 1 and eval-maps >= 2");
        }
        for (double a : alphas) {
            if (!(a >= 0 && a <= 1)) {
                throw new IllegalArgumentException("alphas: every alpha must be in [0, 1], got " + a);
            }
        }
        alphas = alphas.clone();
        remote = List.copyOf(remote);
    }

    /** The paper's scale: 3,000 maps x 3,000 interactions (9M) per curve, 3 seeds. */
    public static MiniGridSetup paper(List<String> remote) {
        return new MiniGridSetup(3000, 3000, 3, 100, 100, 1_200_000, 20, PAPER_ALPHAS, remote);
    }

    /** A few minutes: 150 maps per curve, 2 seeds, alphas 0, 0.2 and 1. */
    public static MiniGridSetup quick(List<String> remote) {
        return new MiniGridSetup(150, 3000, 2, 50, 30, 300_000, 5, new double[] {0.0, 0.2, 1.0}, remote);
    }

    /** One curve of Fig. 3a: a name (also its directory) and its settings without the seed. */
    public record Curve(String name, TrainSettings settings) {
    }

    /** Every curve of the figure, DirPG first. */
    public List<Curve> curves() {
        List<Curve> out = new ArrayList<>();
        TrainSettings base = base();
        out.add(new Curve("dirpg-gumbel", base.toBuilder().priority(Priority.GUMBEL).build()));
        for (double a : alphas) {
            out.add(new Curve("dirpg-astar-" + a, astar(base, a, Heuristic.DISCOUNTED)));
        }
        out.add(new Curve("dirpg-astar-0.2-valid-bound", astar(base, 0.2, Heuristic.VALID_BOUND)));
        out.add(new Curve("reinforce-rtg", base.toBuilder().algorithm(Algorithm.REINFORCE_RTG).build()));
        out.add(new Curve("reinforce", base.toBuilder().algorithm(Algorithm.REINFORCE).build()));
        // the authors' reinforce.py: rewards-to-go without a baseline (why their REINFORCE curve is low)
        out.add(new Curve("reinforce-rtg-no-baseline",
                base.toBuilder().algorithm(Algorithm.REINFORCE_RTG).reinforceNoBaseline(true).build()));
        // the default of the authors' run.py: trajectory-level, no baseline (issue 16's first candidate)
        out.add(new Curve("reinforce-no-baseline",
                base.toBuilder().algorithm(Algorithm.REINFORCE).reinforceNoBaseline(true).build()));
        out.add(new Curve("cem", base.toBuilder().algorithm(Algorithm.CEM).build()));
        return out;
    }

    /**
     * Issue 16's candidates, run only when named with {@code --curves}: the trajectory-level REINFORCE without a
     * baseline (the default of the authors' {@code run.py}) with one of their other choices at a time, then with all of
     * them ({@code reinforce-run-py}). On the Java twin only (two of them are twin options).
     * <ul>
     *   <li>{@code -7-actions}: all 7 MiniGrid actions (run.py builds its policy on {@code action_space.n});</li>
     *   <li>{@code -discount-0.999}: returns discounted by run.py's 0.999 ({@code -discount-0.99}: by the 0.99 of their
     *       {@code Reinforce} class's default and of the notebook that trained their saved model);</li>
     *   <li>{@code -summed}: the rollouts' gradients summed, not averaged;</li>
     *   <li>{@code -next-map-on-success}: the map's batch ends at the first rollout that reaches the goal;</li>
     *   <li>{@code -max-steps-240}: episodes of at most 240 steps (the default of their {@code Reinforce} class, which
     *       run.py overrides with 100), so 12 rollouts per map;</li>
     *   <li>{@code -old-encoding}: the 2020 gym-minigrid's observation encoding.</li>
     * </ul>
     */
    public List<Curve> candidates() {
        if (!remote.isEmpty()) {
            return List.of();
        }
        TrainSettings plain = base().toBuilder().algorithm(Algorithm.REINFORCE).reinforceNoBaseline(true).build();
        String p = "reinforce-no-baseline-";
        List<Curve> out = new ArrayList<>();
        out.add(new Curve(p + "7-actions", withEnv(plain, "actions", "0,1,2,3,4,5,6")));
        out.add(new Curve(p + "discount-0.999",
                plain.toBuilder().reinforceVariant(ReinforceVariant.PAPER.withDiscount(0.999)).build()));
        out.add(new Curve(p + "discount-0.99",
                plain.toBuilder().reinforceVariant(ReinforceVariant.PAPER.withDiscount(0.99)).build()));
        out.add(new Curve(p + "summed",
                plain.toBuilder().reinforceVariant(ReinforceVariant.PAPER.withSumRollouts(true)).build()));
        out.add(new Curve(p + "next-map-on-success",
                plain.toBuilder().reinforceVariant(ReinforceVariant.PAPER.withNextMapOnSuccess(true)).build()));
        out.add(new Curve(p + "max-steps-240", withEnv(plain, "maxSteps", "240").toBuilder().maxSteps(240)
                .rollouts((int) Math.max(2, budget / 240)).build()));
        out.add(new Curve(p + "old-encoding", withEnv(plain, "encoding", "gym-minigrid-2020")));
        TrainSettings all = withEnv(withEnv(plain, "actions", "0,1,2,3,4,5,6"), "encoding", "gym-minigrid-2020")
                .toBuilder().reinforceVariant(new ReinforceVariant(0.999, true, true)).build();
        out.add(new Curve("reinforce-run-py", all));
        return out;
    }

    private static TrainSettings withEnv(TrainSettings s, String key, String value) {
        Map<String, String> options = new java.util.LinkedHashMap<>(s.envOptions());
        options.put(key, value);
        return s.toBuilder().envOptions(options).build();
    }

    private static TrainSettings astar(TrainSettings base, double alpha, Heuristic h) {
        return base.toBuilder().priority(Priority.ASTAR).alpha(alpha).prune(true).heuristic(h).build();
    }

    /** The shared settings: paper reward, eps 1, no early stop, Adam 1e-3, 30 rollouts of at most 100 steps, 2 elites. */
    TrainSettings base() {
        TrainSettings.Builder b = TrainSettings.builder().algorithm(Algorithm.DIRPG).epsilon(1.0).budget(budget)
                .earlyStop(false).prune(false).updates(maps).learningRate(1e-3).rollouts((int) Math.max(2, budget / 100))
                .elites(2).maxSteps(100);
        if (remote.isEmpty()) {
            b.envId(TWIN).envOptions(PAPER_OPTIONS);
        } else {
            b.envId(MINIGRID).remoteEndpoints(remote);
        }
        return b.build();
    }
}
