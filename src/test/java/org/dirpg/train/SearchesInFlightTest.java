package org.dirpg.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dirpg.bench.TwinBench;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.classic.Environments;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.policy.Adam;
import org.dirpg.policy.BernoulliPolicy;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.policy.Policy;
import org.junit.jupiter.api.Test;

/**
 * K searches in flight on an in-process environment run on threads without coalescing, and the run does not depend on
 * which threads run them: the Java MiniGrid twin at the paper's search setting (budget cut to 1,000), K = 2, the same
 * seed, theta bit for bit equal whether the searches share 2 threads, run one after another on 1, or spread over 4;
 * and at K = 1, whether the gradient parts are computed on the caller's thread alone or on 2 or 4 threads.
 */
class SearchesInFlightTest {
    private static final String TWIN = "JavaMiniGrid-MultiRoom-N6-v0";

    private static List<Object> twinRun(java.util.concurrent.Executor threads) {
        return twinRun(threads, 2);
    }

    private static List<Object> twinRun(java.util.concurrent.Executor threads, int searchesInFlight) {
        Environment env = Environments.make(TWIN, java.util.Map.of("paperReward", "true", "actions", "0,1,2,5"));
        var policy = new org.dirpg.policy.net.NetPolicy(org.dirpg.policy.net.SpaceNets.paperNetwork(env.spec()), 11);
        List<Double> norms = new ArrayList<>();
        try (DirPGTrainer t = new DirPGTrainer(env, policy,
                TwinBench.paperSearch().withEpisodeCap(10_000), new Adam(1e-3), 5, searchesInFlight, threads)) {
            assertFalse(t.coalescing(), "an in-process environment is searched without coalescing");
            int parts = 0;
            for (int u = 0; u < 6; u++) {
                norms.add(t.update().gradientNorm());
                parts = Math.max(parts, GradientParts.of(new org.dirpg.estimator.DirectPolicyGradient(
                        TwinBench.paperSearch()).update(t.lastSearch())).size());
            }
            assertTrue(parts > 1, "some update's gradient has several parts: " + parts);
        }
        return List.of(policy.parameters(), norms);
    }

    @Test
    void atOneSearchInFlightThetaIsTheSameWhateverThreadsComputeTheGradientParts() throws Exception {
        List<Object> callerAlone = twinRun(Runnable::run, 1);
        List<Object> own = twinRun(null, 1);
        ExecutorService one = Executors.newSingleThreadExecutor();
        ExecutorService three = Executors.newFixedThreadPool(3);
        try {
            List<Object> two = twinRun(one, 1);
            List<Object> four = twinRun(three, 1);
            @SuppressWarnings("unchecked")
            List<Double> norms = (List<Double>) callerAlone.get(1);
            assertTrue(norms.stream().anyMatch(n -> n > 0), "some update moved theta: " + norms);
            for (List<Object> run : List.of(own, two, four)) {
                assertArrayEquals((double[]) callerAlone.get(0), (double[]) run.get(0));
                assertEquals(callerAlone.get(1), run.get(1));
            }
        } finally {
            one.shutdown();
            three.shutdown();
        }
    }

    @Test
    void twinThetaIsTheSameWhateverThreadsRunTheTwoSearches() throws Exception {
        List<Object> own = twinRun(null);
        ExecutorService one = Executors.newSingleThreadExecutor();
        ExecutorService four = Executors.newFixedThreadPool(4);
        try {
            List<Object> sequential = twinRun(one);
            List<Object> spread = twinRun(four);
            @SuppressWarnings("unchecked")
            List<Double> norms = (List<Double>) own.get(1);
            assertTrue(norms.stream().anyMatch(n -> n > 0), "some update moved theta: " + norms);
            assertArrayEquals((double[]) own.get(0), (double[]) sequential.get(0));
            assertArrayEquals((double[]) own.get(0), (double[]) spread.get(0));
            assertEquals(own.get(1), sequential.get(1));
            assertEquals(own.get(1), spread.get(1));
        } finally {
            one.shutdown();
            four.shutdown();
        }
    }

    /**
     * The same K = 2 run on DeepSea in-process (K threads) and served by the Java env server on loopback (coalesced
     * into StepBatch round trips): the same metrics and the same theta, bit for bit.
     */
    @Test
    void coalescingOverTheNetworkChangesNothingTheSearchesSee() throws Exception {
        org.dirpg.env.classic.DeepSea sea = new org.dirpg.env.classic.DeepSea(6, 1.0, 20);
        byte[] key = "searches-in-flight test key 0123".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.dirpg.server.env.EnvironmentServer server = org.dirpg.server.env.EnvironmentServer.start(
                new org.dirpg.server.env.EnvironmentServiceImpl(List.of(sea), key, 1), 0, 1 << 20);
        try (org.dirpg.env.remote.RemoteEnvironment remote = org.dirpg.env.remote.RemoteEnvironment.connect("DeepSea-v0",
                org.dirpg.env.remote.EndpointList.parse("127.0.0.1:" + server.port()),
                org.dirpg.env.remote.RemoteOptions.defaults())) {
            List<List<Object>> runs = new ArrayList<>();
            for (Environment env : List.of(sea, remote)) {
                LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.3, 6);
                List<UpdateMetrics> metrics = new ArrayList<>();
                try (DirPGTrainer t = new DirPGTrainer(env, policy,
                        org.dirpg.search.SearchConfig.gumbel(1.0, 200, false), new Adam(0.01), 3, 2)) {
                    assertEquals(env == remote, t.coalescing());
                    for (int u = 0; u < 20; u++) {
                        metrics.add(t.update());
                    }
                }
                runs.add(List.of(metrics, policy.parameters()));
            }
            assertEquals(runs.get(0).get(0), runs.get(1).get(0));
            assertArrayEquals((double[]) runs.get(0).get(1), (double[]) runs.get(1).get(1));
        } finally {
            server.stop();
        }
    }

    /** The policies the trainer may call from K threads give every thread what a lone caller gets. */
    @Test
    void linearAndBernoulliPoliciesAreSafeForConcurrentEvaluation() throws Exception {
        SpanningTreeBandit bandit = SpanningTreeBandit.complete(6, 3);
        List<State> banditStates = states(bandit, 64);
        BernoulliPolicy bernoulli = new BernoulliPolicy(bandit.numEdges());
        double[] theta = bernoulli.parameters();
        for (int i = 0; i < theta.length; i++) {
            theta[i] = Math.sin(i + 1.0);
        }
        bernoulli.setParameters(theta);
        assertConcurrentEqualsSequential(bernoulli, banditStates);
        Environment sea = Environments.make("DeepSea-v0", java.util.Map.of("size", "8"));
        assertConcurrentEqualsSequential(new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.5, 4), states(sea, 64));
    }

    private static List<State> states(Environment env, int n) {
        List<State> out = new ArrayList<>();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(8);
        long seed = 0;
        State s = env.reset(seed++);
        while (out.size() < n) {
            out.add(s);
            long legal = s.legalActions();
            int pick = rng.nextInt(Long.bitCount(legal));
            for (int i = 0; i < pick; i++) {
                legal &= legal - 1;
            }
            s = env.step(s, Long.numberOfTrailingZeros(legal)).next();
            if (s.isTerminal()) {
                s = env.reset(seed++);
            }
        }
        return out;
    }

    private static void assertConcurrentEqualsSequential(Policy policy, List<State> states) throws Exception {
        double[][] expected = new double[states.size()][policy.numActions()];
        for (int i = 0; i < states.size(); i++) {
            policy.logProbabilities(states.get(i), expected[i]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> checks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                checks.add(pool.submit(() -> {
                    double[] row = new double[policy.numActions()];
                    for (int rep = 0; rep < 200; rep++) {
                        int i = (rep * 7 + offset) % states.size();
                        policy.logProbabilities(states.get(i), row);
                        if (!java.util.Arrays.equals(row, expected[i])) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : checks) {
                assertTrue(f.get(), policy.getClass().getSimpleName() + " gave another thread different log-probabilities");
            }
        } finally {
            pool.shutdown();
        }
    }
}
