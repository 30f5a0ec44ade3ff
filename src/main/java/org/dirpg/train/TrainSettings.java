package org.dirpg.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dirpg.search.Heuristic;
import org.dirpg.search.Priority;

/**
 * Every setting of a training run, validated when built. Shared by the {@code train} command and the trainer server.
 * Build with {@link #builder()}; each builder field holds the default shown in its Javadoc.
 */
public record TrainSettings(
        String envId,
        Map<String, String> envOptions,
        List<String> remoteEndpoints,
        Algorithm algorithm,
        double epsilon,
        Priority priority,
        double alpha,
        long budget,
        boolean earlyStop,
        boolean prune,
        long updates,
        double learningRate,
        long seed,
        int rollouts,
        int elites,
        int maxSteps,
        String policy,
        double initScale,
        int searchesInFlight,
        int expansionsPerRound,
        Heuristic heuristic,
        boolean reinforceNoBaseline,
        String net,
        String cnn,
        ReinforceVariant reinforceVariant) {

    public TrainSettings {
        if (envId == null || envId.isBlank()) {
            throw new IllegalArgumentException("env: an environment id is required");
        }
        envOptions = Map.copyOf(envOptions);
        remoteEndpoints = List.copyOf(remoteEndpoints);
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm: required");
        }
        if (epsilon == 0 || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon: must be a non-zero finite number (eq. 10 divides by it), got " + epsilon);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha: must be in [0, 1], got " + alpha);
        }
        if (budget < 1) {
            throw new IllegalArgumentException("budget: must be at least 1 interaction, got " + budget);
        }
        if (updates < 1) {
            throw new IllegalArgumentException("updates: must be at least 1, got " + updates);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning_rate: must be a positive finite number, got " + learningRate);
        }
        if (heuristic == null) {
            throw new IllegalArgumentException("heuristic: valid-bound or discounted");
        }
        if (rollouts < 2) {
            throw new IllegalArgumentException("rollouts: must be at least 2, got " + rollouts);
        }
        if (elites < 1 || elites > rollouts) {
            throw new IllegalArgumentException("elites: must be in [1, rollouts = " + rollouts + "], got " + elites);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("max_steps: must be at least 1, got " + maxSteps);
        }
        if (searchesInFlight < 1 || searchesInFlight > 256) {
            throw new IllegalArgumentException("searches_in_flight: must be in [1, 256], got " + searchesInFlight);
        }
        if (expansionsPerRound < 1 || expansionsPerRound > 4096) {
            throw new IllegalArgumentException("expansions_per_round: must be in [1, 4096], got " + expansionsPerRound);
        }
        if (!(initScale >= 0) || !Double.isFinite(initScale)) {
            throw new IllegalArgumentException("init_scale: must be a finite number >= 0, got " + initScale);
        }
        if (policy == null || policy.isBlank()) {
            policy = "auto";
        }
        net = net == null || net.isBlank() ? null : net.trim();
        cnn = cnn == null || cnn.isBlank() ? null : cnn.trim();
        if (reinforceVariant == null) { // a checkpoint written before the field existed
            reinforceVariant = ReinforceVariant.PAPER;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every default. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.envId = envId;
        b.envOptions = new LinkedHashMap<>(envOptions);
        b.remoteEndpoints = remoteEndpoints;
        b.algorithm = algorithm;
        b.epsilon = epsilon;
        b.priority = priority;
        b.alpha = alpha;
        b.budget = budget;
        b.earlyStop = earlyStop;
        b.prune = prune;
        b.updates = updates;
        b.learningRate = learningRate;
        b.seed = seed;
        b.rollouts = rollouts;
        b.elites = elites;
        b.maxSteps = maxSteps;
        b.policy = policy;
        b.initScale = initScale;
        b.searchesInFlight = searchesInFlight;
        b.expansionsPerRound = expansionsPerRound;
        b.heuristic = heuristic;
        b.reinforceNoBaseline = reinforceNoBaseline;
        b.net = net;
        b.cnn = cnn;
        b.reinforceVariant = reinforceVariant;
        return b;
    }

    /** Builder of {@link TrainSettings}. */
    public static final class Builder {
        /** Environment id; default DeepSea-v0. */
        private String envId = "DeepSea-v0";
        /** Environment options; default none. */
        private Map<String, String> envOptions = new LinkedHashMap<>();
        /** host:port of remote env servers; empty = a native environment. */
        private List<String> remoteEndpoints = List.of();
        /** Default DirPG. */
        private Algorithm algorithm = Algorithm.DIRPG;
        /** eps of eq. (6); default 1.0 (the paper's MiniGrid runs). */
        private double epsilon = 1.0;
        /** Queue priority after a_opt; default GUMBEL. */
        private Priority priority = Priority.GUMBEL;
        /** Weight of the bound in the A* priority; default 0. */
        private double alpha = 0.0;
        /** Interactions per search; default 100 (the paper's bandit runs). */
        private long budget = 100;
        /** Stop the search at the first improvement; default true. */
        private boolean earlyStop = true;
        /** Prune regions by the bound G + eps (L + U); default false. */
        private boolean prune = false;
        /** Number of updates; default 1000. */
        private long updates = 1000;
        /** Adam learning rate; default 1e-3 (App. C). */
        private double learningRate = 1e-3;
        /** The run's seed; default 0. */
        private long seed = 0;
        /** REINFORCE/CEM rollouts per update; default 30 (App. C.3). */
        private int rollouts = 30;
        /** CEM elites; default 2 (App. C.3: best 2 of 30). */
        private int elites = 2;
        /**
         * The cap on an episode's length for rollouts and DirPG search trajectories (cut there as by Gymnasium's
         * TimeLimit; what ends episodes of an environment without its own limit); default 10000.
         */
        private int maxSteps = 10_000;
        /**
         * Policy: "auto" (a network built from the observation spaces), "mlp", "cnn", "multi", "linear", "bernoulli",
         * or "conv" (the paper's MiniGrid network: multi with the paper CNN, no hidden layers); default auto.
         */
        private String policy = "auto";
        /** Scale of the initial random weights; default 0 (uniform initial policy). */
        private double initScale = 0.0;
        /** DirPG: episodes searched concurrently per update, K (1 = the paper's setting); default 1. */
        private int searchesInFlight = 1;
        /** DirPG: regions expanded per round after a_opt (1 = strict best-first, the paper's); default 1. */
        private int expansionsPerRound = 1;
        /** DirPG: the U of the A* priority (pruning always uses the valid bound); default the valid bound. */
        private Heuristic heuristic = Heuristic.VALID_BOUND;
        /**
         * REINFORCE: use the plain returns without the leave-one-out baseline (true, as the authors'
         * {@code reinforce.py}, whose baseline lines are commented out); default false. Named so that a checkpoint
         * written before the option existed (the field absent, read as false) keeps the baseline.
         */
        private boolean reinforceNoBaseline = false;
        /**
         * Hidden layers after the observation parts are concatenated (SB3's {@code net_arch}): "64,64", "128:relu",
         * "none"; default null, the policy kind's own (64,64 tanh without a CNN, none with one).
         */
        private String net = null;
        /** The CNN of image parts: "paper", "nature", "KxK[/S]:c1,c2,..."; default null, by image size. */
        private String cnn = null;
        /** REINFORCE: the authors' departures from App. C.3 (discount, summed gradients, next map on success); default none. */
        private ReinforceVariant reinforceVariant = ReinforceVariant.PAPER;

        public Builder envId(String v) { envId = v; return this; }
        public Builder envOptions(Map<String, String> v) { envOptions = new LinkedHashMap<>(v); return this; }
        public Builder remoteEndpoints(List<String> v) { remoteEndpoints = v; return this; }
        public Builder algorithm(Algorithm v) { algorithm = v; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        public Builder priority(Priority v) { priority = v; return this; }
        public Builder alpha(double v) { alpha = v; return this; }
        public Builder budget(long v) { budget = v; return this; }
        public Builder earlyStop(boolean v) { earlyStop = v; return this; }
        public Builder prune(boolean v) { prune = v; return this; }
        public Builder updates(long v) { updates = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder rollouts(int v) { rollouts = v; return this; }
        public Builder elites(int v) { elites = v; return this; }
        public Builder maxSteps(int v) { maxSteps = v; return this; }
        public Builder policy(String v) { policy = v; return this; }
        public Builder initScale(double v) { initScale = v; return this; }
        public Builder searchesInFlight(int v) { searchesInFlight = v; return this; }
        public Builder expansionsPerRound(int v) { expansionsPerRound = v; return this; }
        public Builder heuristic(Heuristic v) { heuristic = v; return this; }
        public Builder reinforceNoBaseline(boolean v) { reinforceNoBaseline = v; return this; }
        public Builder net(String v) { net = v; return this; }
        public Builder cnn(String v) { cnn = v; return this; }
        public Builder reinforceVariant(ReinforceVariant v) { reinforceVariant = v; return this; }

        public TrainSettings build() {
            return new TrainSettings(envId, envOptions, remoteEndpoints, algorithm, epsilon, priority, alpha, budget,
                    earlyStop, prune, updates, learningRate, seed, rollouts, elites, maxSteps, policy, initScale,
                    searchesInFlight, expansionsPerRound, heuristic, reinforceNoBaseline, net, cnn, reinforceVariant);
        }
    }
}
