package org.dirpg.policy.net;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dirpg.env.State;
import org.dirpg.policy.MaskedLogSoftmax;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;

/**
 * A policy pi_theta(a | s) given by a network built from the observation spaces ({@link NetSpec}), masked to each
 * state's legal actions, evaluated and differentiated on plain float arrays ({@link Network}). theta is DL4J's
 * parameter vector for the same architecture ({@link NetLayout}), so {@code org.dirpg.policy.dl4j.NetGraphs} can
 * export it as a {@code ComputationGraph}; parameters are single precision (theta is rounded to float when set).
 *
 * <p>{@link #addGradient} returns the gradient of the surrogate {@code sum_i w_i log pi(a_i | s_i)} (eq. (10) for
 * DirPG, where a_opt's steps carry negative weights): the exact logit gradient {@code w_i (onehot(a_i) - pi(.|s_i))}
 * over the legal actions, summed over the steps that share an observation, back-propagated once per distinct
 * observation, from the activations the search's forward pass left in the cache when it kept them.
 * {@link #logProbabilities} caches logits by observation for the current theta ({@link LogitCache}).
 *
 * <p>Call order as in {@link Policy}. {@link #logProbabilities} and {@link #addGradient} may be called from several
 * threads between parameter changes; {@link #setParameters} may not run concurrently with them.
 */
public final class NetPolicy implements Policy {
    private final NetSpec spec;
    private final int numParameters;
    private final int featureSize;
    private final LogitCache cache = new LogitCache();
    private double[] theta;
    private volatile Network network;

    /** A policy of architecture {@code spec} whose initial weights are a function of {@code seed} alone. */
    public NetPolicy(NetSpec spec, long seed) {
        this(spec, NetLayout.of(spec).initialParameters(seed));
    }

    /** A policy of architecture {@code spec} with parameters {@code theta}. */
    public NetPolicy(NetSpec spec, double[] theta) {
        this.spec = spec;
        this.numParameters = NetLayout.of(spec).size();
        int n = 0;
        for (NetSpec.Input in : spec.inputs()) {
            n = Math.max(n, in.offset() + in.size());
        }
        this.featureSize = n;
        setParameters(theta);
    }

    /** The architecture. */
    public NetSpec spec() {
        return spec;
    }

    /** The line that says what was built ({@link SpaceNets#describe}). */
    public String describe() {
        return SpaceNets.describe(spec);
    }

    @Override
    public int numActions() {
        return spec.numActions();
    }

    @Override
    public int numParameters() {
        return numParameters;
    }

    @Override
    public void logProbabilities(State state, double[] out) {
        MaskedLogSoftmax.logSoftmax(logits(state.features()), legal(state, 0), out);
    }

    @Override
    public void logProbabilities(List<State> states, double[][] out) {
        if (out.length < states.size()) {
            throw new IllegalArgumentException("output has " + out.length + " rows for " + states.size() + " states");
        }
        for (int i = 0; i < states.size(); i++) {
            State s = states.get(i);
            MaskedLogSoftmax.logSoftmax(logits(s.features()), legal(s, i), out[i]);
        }
    }

    private double[] logits(double[] features) {
        return logits(features, LogitCache.key(check(features)));
    }

    private double[] logits(double[] features, LogitCache.Key key) {
        return entry(features, key).logits();
    }

    private LogitCache.Entry entry(double[] features, LogitCache.Key key) {
        LogitCache.Entry e = cache.entry(key);
        if (e == null) {
            Network.Activations a = network.forward(features);
            double[] logits = new double[spec.numActions()];
            a.logits(logits);
            cache.put(key, logits, a);
            e = new LogitCache.Entry(logits, a);
        }
        return e;
    }

    private double[] check(double[] features) {
        if (features.length != featureSize) {
            throw new IllegalArgumentException("observation has " + features.length + " features, the network reads "
                    + featureSize + " (" + spec.inputs().size() + " parts)");
        }
        return features;
    }

    /** Observation-cache hits so far. */
    public long cacheHits() {
        return cache.hits();
    }

    /** Observation-cache misses (forward passes) so far. */
    public long cacheMisses() {
        return cache.misses();
    }

    @Override
    public void addGradient(List<WeightedStep> steps, double[] gradient) {
        if (gradient.length != numParameters) {
            throw new IllegalArgumentException("gradient has length " + gradient.length + ", the policy has "
                    + numParameters + " parameters");
        }
        Map<LogitCache.Key, Group> groups = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            WeightedStep step = steps.get(i);
            if (!Double.isFinite(step.weight())) {
                throw new IllegalArgumentException("step weight must be finite, got " + step.weight());
            }
            double[] features = check(step.state().features());
            LogitCache.Key key = LogitCache.key(features);
            LogitCache.Entry e = entry(features, key);
            Group g = groups.computeIfAbsent(key, k -> new Group(features, e.activations(),
                    new double[spec.numActions()]));
            MaskedLogSoftmax.addLogProbabilityGradient(e.logits(), legal(step.state(), i), step.action(),
                    step.weight(), g.dLogits);
        }
        if (groups.isEmpty()) {
            return;
        }
        Network net = network;
        Network.Activations[] acts = new Network.Activations[groups.size()];
        double[][] dLogits = new double[acts.length][];
        int b = 0;
        for (Group g : groups.values()) {
            // activations kept from the search's forward pass, unless the cache's budget had none to spare
            acts[b] = g.activations != null ? g.activations : net.forward(g.features);
            dLogits[b++] = g.dLogits;
        }
        float[][][] grads = net.newGradient();
        net.backward(acts, dLogits, grads); // one batch: a convolution gathers its weight gradient over all of them
        net.scatter(grads, gradient);
    }

    /** True: {@link #addGradient} keeps no state between calls (each call has its own buffers). */
    @Override
    public boolean concurrentGradients() {
        return true;
    }

    /** A distinct observation, its kept activations (or null) and the sum of its steps' logit gradients. */
    private record Group(double[] features, Network.Activations activations, double[] dLogits) {
    }

    @Override
    public double[] parameters() {
        return theta.clone();
    }

    @Override
    public void setParameters(double[] theta) {
        if (theta.length != numParameters) {
            throw new IllegalArgumentException("theta has length " + theta.length + ", the policy ("
                    + SpaceNets.describe(spec) + ") has " + numParameters);
        }
        double[] t = new double[theta.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) theta[i];
        }
        this.theta = t;
        this.network = new Network(spec, t);
        cache.clear();
    }

    private static long legal(State state, int row) {
        long legal = state.legalActions();
        if (legal == 0) {
            throw new IllegalArgumentException("state " + row + " is terminal (no legal actions): pi(.|s) is undefined");
        }
        return legal;
    }
}
