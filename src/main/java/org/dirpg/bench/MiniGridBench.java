package org.dirpg.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.dirpg.env.remote.RemoteBench;
import org.dirpg.env.remote.RemoteEnvironment;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.policy.Adam;
import org.dirpg.policy.dl4j.Dl4jBench;
import org.dirpg.search.SearchConfig;
import org.dirpg.train.DirPGTrainer;

/**
 * The remote path on MiniGrid, in one run: protocol steps/s with one batch in flight and with K in flight, the conv
 * policy's evaluations/s, and DirPG interactions/s end to end (search + policy + Adam) at the paper's exact order
 * (K = 1, one expansion per round, budget 3,000, A* alpha 0.2) and with K searches in flight and 32 regions expanded
 * per round; then the Java twin's figures ({@link TwinBench}) with its ratios to Python's in-process
 * {@code env.step} (measured by {@code python -m dirpg.bench_env} in the same run, see scripts/bench-minigrid.sh).
 */
public final class MiniGridBench {
    /** Regions expanded per round in the batched figures. */
    static final int ROUND = 32;

    private MiniGridBench() {
    }

    /** The result lines {@link #run} prints (one more with the Python step rate, for the ratio). */
    public static int lines(double pythonSteps) {
        return 3 + Dl4jBench.LINES + 2 + TwinBench.LINES + (pythonSteps > 0 ? 1 : 0);
    }

    public static void run(List<String> endpoints, String envId, double seconds, int k, double pythonSteps,
                           PrintStream out) {
        Duration d = Duration.ofMillis((long) (seconds * 1000));
        try (RemoteEnvironment env = RemoteEnvironment.connectTargets(envId, endpoints, RemoteOptions.defaults())) {
            double one = RemoteBench.stepsPerSecond(env, 1, 1, d, 1);
            double oneK = RemoteBench.stepsPerSecond(env, 1, k, d, 2);
            double batch = RemoteBench.stepsPerSecond(env, 64, 1, d, 3);
            out.printf("remote steps/s, batch 1, 1 in flight:          %,10.0f%n", one);
            out.printf("remote steps/s, batch 1, %d in flight:          %,10.0f  (x%.2f)%n", k, oneK, oneK / one);
            out.printf("remote steps/s, batch 64, 1 in flight:         %,10.0f%n", batch);
            Dl4jBench.run(1, out);
            for (int[] kb : new int[][] {{1, 1}, {k, ROUND}}) {
                int inFlight = kb[0];
                var policy = new org.dirpg.policy.net.NetPolicy(
                        org.dirpg.policy.net.SpaceNets.paperNetwork(env.spec()), 7);
                SearchConfig config = TwinBench.paperSearch().withExpansionsPerRound(kb[1]);
                try (DirPGTrainer trainer = new DirPGTrainer(env, policy, config, new Adam(1e-3), 5, inFlight)) {
                    trainer.update();
                    long start = System.nanoTime();
                    long interactions = 0;
                    do {
                        interactions += trainer.update().searchInteractions();
                    } while (System.nanoTime() - start < seconds * 1e9);
                    double rate = interactions / ((System.nanoTime() - start) / 1e9);
                    out.printf("DirPG over the Python server, paper setting (A* 0.2), K = %d, %2d expansions per round: %,10.0f interactions/s%n",
                            inFlight, kb[1], rate);
                }
            }
        }
        double twin = TwinBench.run(seconds, out);
        if (pythonSteps > 0) {
            out.printf("twin env steps/s / Python in-process env.step (%,.0f/s): x%.0f%n", pythonSteps, twin / pythonSteps);
        }
    }
}
