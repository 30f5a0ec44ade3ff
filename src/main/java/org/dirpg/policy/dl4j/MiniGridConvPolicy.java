package org.dirpg.policy.dl4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.dirpg.env.State;
import org.dirpg.policy.MaskedLogSoftmax;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The paper's MiniGrid policy pi_theta(a | s) (App. C.3) as a DL4J {@link ComputationGraph}
 * ({@link MiniGridNetwork}), masked to each state's legal actions. Observations follow {@link MiniGridObservation}.
 *
 * <p>{@link #addGradient} returns the gradient of the surrogate {@code sum_i w_i log pi(a_i | s_i)} (eq. (10) for
 * DirPG, where a_opt's steps carry negative weights) in one batched forward and backward pass: the exact gradient
 * with respect to the logits, {@code w_i (onehot(a_i) - pi(.|s_i))} over the legal actions, is fed to the graph as
 * its output error. This avoids DL4J's LossMCXENT, whose gradient {@code p - y} is wrong for signed, unnormalised
 * labels {@code y = w onehot(a)} (the correct one is {@code p sum(y) - y}).
 *
 * <p>In FLOAT, {@link #logProbabilities} (the search's calls) runs on {@link ConvInference}, plain float arrays
 * without DL4J's per-call overhead, and caches logits by observation for the current theta ({@link LogitCache});
 * {@link #addGradient} runs on {@link ConvGradient}, back-propagating each distinct observation once. DOUBLE policies
 * evaluate and differentiate through the graph (the finite-difference gradient test runs in DOUBLE, and the FLOAT
 * path is checked against the graph).
 *
 * <p>Call order as in {@link Policy}. {@link #logProbabilities} may be called from several threads between parameter
 * changes; {@link #addGradient} and {@link #setParameters} are not thread-safe (the graph keeps its activations between
 * the forward and backward pass).
 */
public final class MiniGridConvPolicy implements Policy {
    private final ComputationGraph graph;
    private final DataType dataType;
    private final int numParameters;
    private final LogitCache cache = new LogitCache();
    private volatile ConvInference inference;

    /** A policy in single precision whose initial weights are a function of {@code seed}. */
    public MiniGridConvPolicy(long seed) {
        this(seed, DataType.FLOAT);
    }

    /** A policy in {@code dataType} (FLOAT or DOUBLE) whose initial weights are a function of {@code seed}. */
    public MiniGridConvPolicy(long seed, DataType dataType) {
        this(MiniGridNetwork.create(seed, dataType));
    }

    private MiniGridConvPolicy(ComputationGraph graph) {
        NativeThreads.pinToOne();
        this.graph = graph;
        this.dataType = graph.params().dataType();
        this.numParameters = Math.toIntExact(graph.numParams());
        if (graph.getNumInputArrays() != 2 || graph.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("expected a MiniGrid network with 2 inputs and 1 output, got "
                    + graph.getNumInputArrays() + " inputs and " + graph.getNumOutputArrays() + " outputs");
        }
    }

    /** Restores a policy written by {@link #save(Path)}. */
    public static MiniGridConvPolicy load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no policy checkpoint at " + file);
        }
        return new MiniGridConvPolicy(ModelSerializer.restoreComputationGraph(file.toFile(), false));
    }

    /** Writes the network (configuration and parameters, no updater state) to {@code file}. */
    public void save(Path file) throws IOException {
        ModelSerializer.writeModel(graph, file.toFile(), false);
    }

    /** The floating-point type of the network's parameters and activations. */
    public DataType dataType() {
        return dataType;
    }

    @Override
    public int numActions() {
        return MiniGridNetwork.NUM_ACTIONS;
    }

    @Override
    public int numParameters() {
        return numParameters;
    }

    @Override
    public void logProbabilities(State state, double[] out) {
        if (dataType == DataType.FLOAT) {
            long legal = legalActions(state, 0);
            MaskedLogSoftmax.logSoftmax(fastLogits(state), legal, out);
            return;
        }
        logProbabilities(List.of(state), new double[][] {out});
    }

    /** Logits from the cache or from {@link ConvInference} (FLOAT only). */
    private double[] fastLogits(State state) {
        double[] features = state.features();
        return fastLogits(features, LogitCache.key(features));
    }

    /** Logits of {@code features}, whose packed cache key is {@code key} (null: not cached). */
    private double[] fastLogits(double[] features, LogitCache.Key key) {
        double[] logits = key == null ? null : cache.get(key);
        if (logits == null) {
            logits = new double[numActions()];
            inference().logits(features, logits);
            if (key != null) {
                cache.put(key, logits);
            }
        }
        return logits;
    }

    /** The plain-array network for the current theta, built on first use after a change. */
    private ConvInference inference() {
        ConvInference net = inference;
        if (net == null) {
            synchronized (this) {
                net = inference;
                if (net == null) {
                    net = new ConvInference(graph);
                    inference = net;
                }
            }
        }
        return net;
    }

    /** Observation-cache hits of {@link #logProbabilities} so far (FLOAT policies). */
    public long cacheHits() {
        return cache.hits();
    }

    /** Observation-cache misses (forward passes) of {@link #logProbabilities} so far (FLOAT policies). */
    public long cacheMisses() {
        return cache.misses();
    }

    /** All rows in one {@code output()} call of the graph. */
    @Override
    public void logProbabilities(List<State> states, double[][] out) {
        if (out.length < states.size()) {
            throw new IllegalArgumentException("output has " + out.length + " rows for " + states.size() + " states");
        }
        if (states.isEmpty()) {
            return;
        }
        if (dataType == DataType.FLOAT) {
            for (int i = 0; i < states.size(); i++) {
                long legal = legalActions(states.get(i), i);
                MaskedLogSoftmax.logSoftmax(fastLogits(states.get(i)), legal, out[i]);
            }
            return;
        }
        double[][] logits = logits(states);
        for (int i = 0; i < states.size(); i++) {
            MaskedLogSoftmax.logSoftmax(logits[i], legalActions(states.get(i), i), out[i]);
        }
    }

    @Override
    public void addGradient(List<WeightedStep> steps, double[] gradient) {
        if (gradient.length != numParameters) {
            throw new IllegalArgumentException("gradient has length " + gradient.length + ", the policy has "
                    + numParameters + " parameters");
        }
        if (steps.isEmpty()) {
            return;
        }
        for (WeightedStep step : steps) {
            if (!Double.isFinite(step.weight())) {
                throw new IllegalArgumentException("step weight must be finite, got " + step.weight());
            }
        }
        if (dataType == DataType.FLOAT) {
            fastGradient(steps, gradient);
            return;
        }
        graphGradient(steps, gradient);
    }

    /**
     * {@link #addGradient} on plain arrays ({@link ConvGradient}): the logit gradients of steps that share an
     * observation are summed, and each distinct observation is back-propagated once.
     */
    private void fastGradient(List<WeightedStep> steps, double[] gradient) {
        Map<Object, Observation> groups = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            WeightedStep step = steps.get(i);
            double[] features = step.state().features();
            LogitCache.Key packed = LogitCache.key(features);
            Observation o = groups.computeIfAbsent(packed == null ? new Object() : packed, // not packable: alone
                    k -> new Observation(features, new double[numActions()]));
            MaskedLogSoftmax.addLogProbabilityGradient(fastLogits(features, packed), legalActions(step.state(), i),
                    step.action(), step.weight(), o.dLogits());
        }
        ConvGradient backward = new ConvGradient(inference());
        for (Observation o : groups.values()) {
            backward.add(o.features(), o.dLogits());
        }
        backward.addTo(gradient, ParameterLayout.MINIGRID);
    }

    /** A distinct observation of {@link #fastGradient} and the sum of its steps' logit gradients. */
    private record Observation(double[] features, double[] dLogits) {
    }


    /** {@link #addGradient} through the DL4J graph (DOUBLE policies; the reference for the FLOAT path's tests). */
    void graphGradient(List<WeightedStep> steps, double[] gradient) {
        List<double[]> features = new ArrayList<>(steps.size());
        for (WeightedStep step : steps) {
            features.add(step.state().features());
        }
        INDArray[] inputs = MiniGridObservation.toInputs(features, dataType);
        Map<String, INDArray> activations = graph.feedForward(inputs, true, false);
        double[][] logits = activations.get(MiniGridNetwork.LOGITS).toDoubleMatrix();
        double[] outputError = new double[steps.size() * numActions()];
        double[] row = new double[numActions()];
        for (int i = 0; i < steps.size(); i++) {
            WeightedStep step = steps.get(i);
            java.util.Arrays.fill(row, 0.0);
            MaskedLogSoftmax.addLogProbabilityGradient(logits[i], legalActions(step.state(), i), step.action(),
                    step.weight(), row);
            System.arraycopy(row, 0, outputError, i * numActions(), numActions());
        }
        // DL4J back-propagates dL/d(output); feeding d(surrogate)/d(logits) yields d(surrogate)/d(theta).
        INDArray epsilon = Nd4j.create(outputError, new long[] {steps.size(), numActions()}, 'c').castTo(dataType);
        Gradient g = graph.backpropGradient(epsilon);
        double[] flat = g.gradient().toDoubleVector();
        for (int k = 0; k < numParameters; k++) {
            gradient[k] += flat[k];
        }
        graph.clearLayersStates();
    }

    @Override
    public double[] parameters() {
        return graph.params().toDoubleVector();
    }

    @Override
    public void setParameters(double[] theta) {
        if (theta.length != numParameters) {
            throw new IllegalArgumentException("theta has length " + theta.length + ", the policy has "
                    + numParameters + " parameters");
        }
        graph.setParams(Nd4j.createFromArray(theta).castTo(dataType).reshape(1, numParameters));
        inference = null;
        cache.clear();
    }

    /** The DL4J graph itself (for the benchmarks and tests of the plain-array passes). */
    ComputationGraph graph() {
        return graph;
    }

    /** The logits of the DL4J graph itself (for checking {@link ConvInference} against it). */
    double[][] graphLogits(List<State> states) {
        return logits(states);
    }

    private double[][] logits(List<State> states) {
        List<double[]> features = new ArrayList<>(states.size());
        for (State s : states) {
            features.add(s.features());
        }
        INDArray[] inputs = MiniGridObservation.toInputs(features, dataType);
        return graph.output(false, inputs)[0].toDoubleMatrix();
    }

    private long legalActions(State state, int row) {
        long legal = state.legalActions();
        if (legal == 0) {
            throw new IllegalArgumentException("state " + row + " is terminal (no legal actions): pi(.|s) is undefined");
        }
        return legal;
    }
}
