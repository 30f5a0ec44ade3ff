package org.dirpg.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.dirpg.concurrent.CoalescingEnvironment;
import org.dirpg.concurrent.CoalescingPolicy;
import org.dirpg.env.Environment;
import org.dirpg.estimator.DirectPolicyGradient;
import org.dirpg.estimator.SearchResult;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;
import org.dirpg.search.SearchConfig;

/**
 * DirPG training (Algorithm 1 per episode): each update draws fresh episodes (new trees S), searches each for a_opt
 * and a_dir, and takes one Adam step along the mean over episodes of (1/eps) grad [log Pi(a_dir) - log Pi(a_opt)]
 * (eq. 10).
 *
 * <p>With {@code searchesInFlight} K = 1 (the paper's setting) an update is one episode. With K > 1, K episodes, each
 * with its own seed, are searched concurrently against the same theta and their gradients are averaged into one
 * step. On an in-process environment the K searches run on K threads (the caller's and K - 1 of a pool), each
 * calling the environment and the policy directly (both must allow concurrent {@code step} and
 * {@code logProbabilities} calls). On a remote environment
 * ({@link Environment#isRemote()}) the searches' environment steps and policy evaluations are coalesced into batched
 * calls (one StepBatch round trip, one network forward pass for all of them), which saves round trips. When the
 * policy allows concurrent gradients, each search's gradient is split into {@link GradientParts} computed on the
 * search threads by whichever is free, so a search that ends early does not leave its thread idle until the slowest
 * one ends. Either way every search's draws come from its own seed and the gradients are summed in search order (and
 * part order), so the run does not depend on thread scheduling.
 *
 * <p>At K = 1 the search is one thread's work, but its gradient need not be: when the policy allows concurrent
 * gradients, the update cuts it into the same {@link GradientParts}, hands them to a small pool of gradient threads
 * ({@link #GRADIENT_THREADS} in all, the caller's included) and computes them itself in part order too, each part on
 * whichever thread takes it first, then sums the parts' gradients in part order. The parts and their order depend on
 * the steps alone, so theta is bit for bit the same with one gradient thread or several (on a 2-core machine the
 * second core would otherwise idle through the backward passes, a third of a run). The sum of parts rounds
 * differently from one backward accumulation over all the steps, so a run differs in detail from one made before
 * this split.
 *
 * <p>Runs that cannot learn say so: a budget shorter than the environment's episode limit is refused at construction
 * ({@link EpisodeLimits}), or at the first update when the spec declares no limit and the first a_opt is longer than
 * the budget; a gradient that stays exactly zero for {@link ZeroGradientWatch#UPDATES} updates gives one warning
 * (to {@link #onWarning}; by default the log) and the run goes on.
 */
public final class DirPGTrainer implements Trainer, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DirPGTrainer.class);

    private final Environment env;
    private final Policy policy;
    private final Policy searchPolicy;
    private final Environment searchEnv;
    private final DirectPolicyGradient estimator;
    private final Adam adam;
    private final SplittableRandom rng;
    private final int searchesInFlight;
    /**
     * Threads that compute a K = 1 update's gradient parts, the caller's included, at most: the machine's processors,
     * capped at 4 (a map's gradient has a handful of parts; more threads would wait more than they work).
     */
    public static final int GRADIENT_THREADS = Math.min(Runtime.getRuntime().availableProcessors(), 4);

    /** Search threads at K > 1; gradient threads beside the caller's at K = 1; null when the caller does it all. */
    private final Executor pool;
    private final boolean coalescing;
    private final ExecutorService ownPool;
    private final ZeroGradientWatch watch;
    private Consumer<String> warnings = message -> LOG.warn(message);
    private long updates;
    private long interactions;
    private SearchResult last;

    public DirPGTrainer(Environment env, Policy policy, SearchConfig config, Adam adam, long seed) {
        this(env, policy, config, adam, seed, 1);
    }

    /**
     * @throws IllegalArgumentException if K < 1, or the budget is shorter than the environment's episode limit
     */
    public DirPGTrainer(Environment env, Policy policy, SearchConfig config, Adam adam, long seed, int searchesInFlight) {
        this(env, policy, config, adam, seed, searchesInFlight, null);
    }

    /**
     * As {@link #DirPGTrainer(Environment, Policy, SearchConfig, Adam, long, int)}, running the K searches on
     * {@code searchThreads} (any number of threads; the caller shuts it down) instead of a pool of its own (K - 1
     * threads beside the caller's, K when coalescing); at K = 1, the gradient parts beside the caller (instead of
     * {@link #GRADIENT_THREADS} - 1 threads of its own). Without coalescing, an executor that runs each task at once on
     * the submitting thread ({@code Runnable::run}) leaves everything to the caller (coalesced searches need K threads
     * that wait for each other's calls). The run is the same whatever the executor.
     */
    public DirPGTrainer(Environment env, Policy policy, SearchConfig config, Adam adam, long seed, int searchesInFlight,
                        Executor searchThreads) {
        if (searchesInFlight < 1) {
            throw new IllegalArgumentException("searches_in_flight: must be at least 1, got " + searchesInFlight);
        }
        EpisodeLimits.requireBudgetCoversEpisode(env.spec(), config.budget());
        this.env = env;
        this.policy = policy;
        this.estimator = new DirectPolicyGradient(config);
        this.adam = adam;
        this.rng = new SplittableRandom(seed);
        this.searchesInFlight = searchesInFlight;
        this.watch = new ZeroGradientWatch(env.spec(), config);
        this.coalescing = searchesInFlight > 1 && env.isRemote();
        if (coalescing) {
            this.searchPolicy = new CoalescingPolicy(policy, searchesInFlight);
            this.searchEnv = new CoalescingEnvironment(env, searchesInFlight);
        } else {
            this.searchPolicy = policy;
            this.searchEnv = env;
        }
        if (searchThreads != null) {
            this.ownPool = null;
            this.pool = searchesInFlight > 1 || policy.concurrentGradients() ? searchThreads : null;
        } else if (searchesInFlight > 1) {
            // without coalescing the calling thread is one of the K search threads
            this.ownPool = Executors.newFixedThreadPool(coalescing ? searchesInFlight : searchesInFlight - 1,
                    daemons("dirpg-search"));
            this.pool = ownPool;
        } else if (policy.concurrentGradients() && GRADIENT_THREADS > 1) {
            // idle threads end, so a trainer nobody closes leaves none behind
            ThreadPoolExecutor gradients = new ThreadPoolExecutor(GRADIENT_THREADS - 1, GRADIENT_THREADS - 1,
                    1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons("dirpg-gradient"));
            gradients.allowCoreThreadTimeOut(true);
            this.ownPool = gradients;
            this.pool = gradients;
        } else {
            this.ownPool = null;
            this.pool = null;
        }
    }

    private static ThreadFactory daemons(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Where the zero-gradient warning goes (default: this class's log, as WARN). */
    public DirPGTrainer onWarning(Consumer<String> sink) {
        this.warnings = sink;
        return this;
    }

    /** True when the K searches' calls are coalesced into batches (K > 1 on a remote environment). */
    public boolean coalescing() {
        return coalescing;
    }

    @Override
    public UpdateMetrics update() {
        List<Searched> results = searchAll();
        if (updates == 0 && env.spec().maxEpisodeSteps() == 0) {
            EpisodeLimits.requireBudgetCoversFirstRollout(env.spec(), estimator.config().budget(),
                    results.get(0).result().aOpt().leaf().depth(), estimator.config().episodeCap());
        }
        double[] gradient = new double[policy.numParameters()];
        List<WeightedStep> steps = new ArrayList<>();
        double ret = 0;
        double dirRet = 0;
        double dOpt = 0;
        double dDir = 0;
        double aOptSteps = 0;
        int candidates = 0;
        long spent = 0;
        long first = -1;
        for (Searched s : results) {
            SearchResult r = s.result();
            if (s.gradientParts() != null) {
                for (Future<double[]> part : s.gradientParts()) {
                    double[] g = await(part);
                    for (int i = 0; i < gradient.length; i++) {
                        gradient[i] += g[i];
                    }
                }
            } else {
                steps.addAll(s.steps());
            }
            ret += r.aOpt().ret() / results.size();
            dirRet += r.aDir().ret() / results.size();
            dOpt += r.aOpt().d() / results.size();
            dDir += r.aDir().d() / results.size();
            aOptSteps += (double) r.aOpt().leaf().depth() / results.size();
            candidates += r.candidates();
            spent += r.interactions();
            if (r.firstImprovementInteractions() >= 0 && first < 0) {
                first = r.firstImprovementInteractions();
            }
        }
        if (!steps.isEmpty()) {
            policy.addGradient(steps, gradient);
        }
        double norm = Vectors.ascend(policy, adam, gradient);
        interactions += spent;
        last = results.get(results.size() - 1).result();
        UpdateMetrics m = new UpdateMetrics(updates++, interactions, ret, dirRet, dOpt, dDir, candidates, spent, first, norm);
        Optional<String> warning = watch.observe(m, results.size(), aOptSteps);
        warning.ifPresent(warnings);
        return m;
    }

    /**
     * One search of an update with its weighted steps (eq. 10 over K searches: weights 1/(eps K)), and the gradients
     * of its {@link GradientParts} when the search threads compute them (null: the update computes the gradient).
     */
    private record Searched(SearchResult result, List<WeightedStep> steps, List<FutureTask<double[]>> gradientParts) {
    }

    /**
     * Searches episode {@code episodeSeed} with Gamma from {@code searchSeed}; when {@code gradientParts}, also hands
     * its gradient's parts to the pool (if any) and computes them itself in order, each part on whichever thread
     * takes it first (a free search or gradient thread, or a caller that waits for this search).
     */
    private Searched searchOne(long episodeSeed, long searchSeed, boolean gradientParts) {
        SearchResult r = estimator.search(searchEnv, searchPolicy, env.reset(episodeSeed), searchSeed);
        List<WeightedStep> steps = new ArrayList<>();
        for (WeightedStep s : estimator.update(r)) {
            steps.add(new WeightedStep(s.state(), s.action(), s.weight() / searchesInFlight));
        }
        List<FutureTask<double[]>> parts = null;
        if (gradientParts) {
            parts = new ArrayList<>();
            for (List<WeightedStep> part : GradientParts.of(steps)) {
                FutureTask<double[]> task = new FutureTask<>(() -> {
                    double[] gradient = new double[policy.numParameters()];
                    policy.addGradient(part, gradient);
                    return gradient;
                });
                parts.add(task);
                if (pool != null) {
                    pool.execute(task);
                }
            }
            help(parts);
        }
        return new Searched(r, steps, parts == null ? null : List.copyOf(parts));
    }

    /** Runs the tasks no thread has taken yet (a FutureTask runs once: taken ones are skipped). */
    private static void help(List<? extends RunnableFuture<?>> tasks) {
        for (RunnableFuture<?> t : tasks) {
            t.run();
        }
    }

    /**
     * The K searches of an update. Without coalescing the calling thread searches too: search 0 on it, the others on
     * the pool, and it then takes any search no pool thread has started and any gradient part not yet taken, so
     * between updates it does not sleep while the pool works (a hand-off fewer each update, which on a busy machine
     * costs a scheduling delay). Coalesced searches all run on the pool, which batches their calls.
     */
    private List<Searched> searchAll() {
        long[] episodeSeeds = new long[searchesInFlight];
        long[] searchSeeds = new long[searchesInFlight];
        for (int k = 0; k < searchesInFlight; k++) {
            episodeSeeds[k] = rng.nextLong();
            searchSeeds[k] = rng.nextLong();
        }
        boolean gradientParts = policy.concurrentGradients();
        if (searchesInFlight == 1) {
            return List.of(searchOne(episodeSeeds[0], searchSeeds[0], gradientParts));
        }
        int first = coalescing ? 0 : 1;
        List<FutureTask<Searched>> tasks = new ArrayList<>();
        for (int k = first; k < searchesInFlight; k++) {
            int i = k;
            FutureTask<Searched> task =
                    new FutureTask<>(() -> searchOne(episodeSeeds[i], searchSeeds[i], gradientParts));
            tasks.add(task);
            pool.execute(task);
        }
        List<Searched> out = new ArrayList<>();
        if (!coalescing) {
            out.add(searchOne(episodeSeeds[0], searchSeeds[0], gradientParts));
        }
        for (FutureTask<Searched> task : tasks) {
            if (!coalescing) {
                task.run();
            }
            Searched s = await(task);
            if (s.gradientParts() != null) {
                help(s.gradientParts());
            }
            out.add(s);
        }
        return out;
    }

    /** The value of a task on the search threads, rethrowing its failure. */
    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while searching", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The last update's (last) search result; null before the first update. */
    public SearchResult lastSearch() {
        return last;
    }

    @Override
    public Policy policy() {
        return policy;
    }

    @Override
    public String name() {
        return "dirpg";
    }

    @Override
    public Adam adam() {
        return adam;
    }

    @Override
    public void close() {
        if (ownPool != null) {
            ownPool.shutdownNow();
        }
        if (coalescing) {
            ((CoalescingPolicy) searchPolicy).close();
            searchEnv.close();
        }
    }
}
