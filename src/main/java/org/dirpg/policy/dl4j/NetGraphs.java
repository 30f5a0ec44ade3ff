package org.dirpg.policy.dl4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.dirpg.policy.net.Encoder;
import org.dirpg.policy.net.NetSpec;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link NetSpec} as a DL4J {@link ComputationGraph} of the same architecture and parameter layout: DL4J defines
 * the configuration, the flat parameter vector that {@code NetPolicy} trains, and the {@code ModelSerializer} zip that
 * {@code export --dl4j} writes for users who carry a policy into DL4J. It is also the tests' reference for the
 * plain-array forward and backward passes.
 *
 * <p>The graph's inputs are each image part (NCHW, named by the part) and {@value #VECTOR_INPUT}, the concatenated
 * encodings of the other parts (one-hot, scaled, raw: {@link Encoder}); its one output {@value #LOGITS} is the logits
 * before the legal-action mask.
 */
public final class NetGraphs {
    /** The name of the input that carries the non-image parts' encodings. */
    public static final String VECTOR_INPUT = "vector";
    /** The name of the output. */
    public static final String LOGITS = "logits";

    private NetGraphs() {
    }

    /** The graph of {@code spec} in {@code dataType} (FLOAT or DOUBLE) with parameters {@code theta}. */
    public static ComputationGraph create(NetSpec spec, double[] theta, DataType dataType) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("data type must be FLOAT or DOUBLE, got " + dataType);
        }
        NativeThreads.pinToOne();
        ComputationGraph graph = new ComputationGraph(configuration(spec, dataType));
        graph.init();
        if (theta != null) {
            if (theta.length != graph.numParams()) {
                throw new IllegalArgumentException("theta has length " + theta.length + ", the graph has "
                        + graph.numParams() + " parameters");
            }
            graph.setParams(Nd4j.createFromArray(theta).castTo(dataType).reshape(1, theta.length));
        }
        return graph;
    }

    /** The graph's configuration. */
    public static ComputationGraphConfiguration configuration(NetSpec spec, DataType dataType) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(0)
                .dataType(dataType)
                .weightInit(WeightInit.UNIFORM)
                // No workspaces in training: backpropGradient reads the activations kept by feedForward.
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder();
        List<NetSpec.Input> images = spec.images();
        List<String> inputs = new ArrayList<>();
        List<InputType> types = new ArrayList<>();
        for (NetSpec.Input in : images) {
            NetSpec.Image im = (NetSpec.Image) in.encoding();
            inputs.add(in.name());
            types.add(InputType.convolutional(im.h(), im.w(), im.c()));
        }
        int vector = spec.vectorWidth();
        if (vector > 0) {
            inputs.add(VECTOR_INPUT);
            types.add(InputType.feedForward(vector));
        }
        g.addInputs(inputs.toArray(new String[0])).setInputTypes(types.toArray(new InputType[0]));
        List<String> streams = new ArrayList<>();
        for (NetSpec.Input in : images) {
            NetSpec.Image im = (NetSpec.Image) in.encoding();
            String prefix = images.size() == 1 ? "" : in.name() + "_";
            String previous = in.name();
            int h = im.h();
            int w = im.w();
            int c = im.c();
            int k = 1;
            for (NetSpec.Conv conv : im.cnn().convs()) {
                String name = prefix + "conv" + k++;
                g.addLayer(name, new ConvolutionLayer.Builder(conv.kernel(), conv.kernel())
                        .stride(conv.stride(), conv.stride()).padding(0, 0).nIn(c).nOut(conv.channels())
                        .activation(activation(conv.activation())).build(), previous);
                previous = name;
                h = (h - conv.kernel()) / conv.stride() + 1;
                w = (w - conv.kernel()) / conv.stride() + 1;
                c = conv.channels();
            }
            g.addVertex(prefix + "flatten", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(h, w, c)), previous);
            previous = prefix + "flatten";
            if (im.cnn().dense() > 0) {
                g.addLayer(prefix + "dense", new DenseLayer.Builder().nIn(h * w * c).nOut(im.cnn().dense())
                        .activation(Activation.RELU).build(), previous);
                previous = prefix + "dense";
            }
            streams.add(previous);
        }
        if (vector > 0) {
            streams.add(VECTOR_INPUT);
        }
        String previous = streams.get(0);
        if (streams.size() > 1) {
            g.addVertex("concat", new MergeVertex(), streams.toArray(new String[0]));
            previous = "concat";
        }
        int width = spec.concatWidth();
        int k = 1;
        for (int hidden : spec.hidden()) {
            String name = "hidden" + k++;
            g.addLayer(name, new DenseLayer.Builder().nIn(width).nOut(hidden)
                    .activation(activation(spec.hiddenActivation())).build(), previous);
            previous = name;
            width = hidden;
        }
        g.addLayer(LOGITS, new DenseLayer.Builder().nIn(width).nOut(spec.numActions())
                .activation(Activation.IDENTITY).build(), previous);
        return g.setOutputs(LOGITS).allowNoOutput(true).validateOutputLayerConfig(false).build();
    }

    private static Activation activation(org.dirpg.policy.net.Activation a) {
        switch (a) {
            case RELU:
                return Activation.RELU;
            case TANH:
                return Activation.TANH;
            default:
                return Activation.IDENTITY;
        }
    }

    /** The graph's inputs for a batch of feature vectors: images NCHW, then the vector of the other parts. */
    public static INDArray[] inputs(NetSpec spec, List<double[]> features, DataType dataType) {
        int n = features.size();
        List<INDArray> out = new ArrayList<>();
        for (NetSpec.Input in : spec.images()) {
            NetSpec.Image im = (NetSpec.Image) in.encoding();
            int plane = im.h() * im.w();
            float[] data = new float[n * plane * im.c()];
            for (int i = 0; i < n; i++) {
                float[] hwc = Encoder.image(in, features.get(i));
                for (int p = 0; p < plane; p++) {
                    for (int ch = 0; ch < im.c(); ch++) {
                        data[(i * im.c() + ch) * plane + p] = hwc[p * im.c() + ch];
                    }
                }
            }
            out.add(Nd4j.create(data, new long[] {n, im.c(), im.h(), im.w()}, 'c').castTo(dataType));
        }
        int vector = spec.vectorWidth();
        if (vector > 0) {
            float[] data = new float[n * vector];
            float[] row = new float[vector];
            for (int i = 0; i < n; i++) {
                java.util.Arrays.fill(row, 0f);
                Encoder.vector(spec, features.get(i), row, 0);
                System.arraycopy(row, 0, data, i * vector, vector);
            }
            out.add(Nd4j.create(data, new long[] {n, vector}, 'c').castTo(dataType));
        }
        return out.toArray(new INDArray[0]);
    }

    /** The graph's logits for a batch of feature vectors. */
    public static double[][] logits(ComputationGraph graph, NetSpec spec, List<double[]> features) {
        INDArray[] in = inputs(spec, features, graph.params().dataType());
        return graph.output(false, in)[0].toDoubleMatrix();
    }

    /**
     * DL4J's back-propagation of the logit gradients {@code dLogits[i]} of observations {@code features[i]}: the
     * theta gradient {@code sum_i (d logits_i / d theta)^T dLogits_i}, laid out as theta.
     */
    public static double[] gradient(ComputationGraph graph, NetSpec spec, List<double[]> features, double[][] dLogits) {
        DataType type = graph.params().dataType();
        INDArray[] in = inputs(spec, features, type);
        Map<String, INDArray> activations = graph.feedForward(in, true, false);
        if (activations.get(LOGITS) == null) {
            throw new IllegalStateException("the graph has no logits output");
        }
        int a = spec.numActions();
        double[] error = new double[features.size() * a];
        for (int i = 0; i < features.size(); i++) {
            System.arraycopy(dLogits[i], 0, error, i * a, a);
        }
        INDArray epsilon = Nd4j.create(error, new long[] {features.size(), a}, 'c').castTo(type);
        Gradient g = graph.backpropGradient(epsilon);
        double[] flat = g.gradient().toDoubleVector();
        graph.clearLayersStates();
        return flat;
    }

    /** Writes the graph (configuration and parameters, no updater state) as a {@code ModelSerializer} zip. */
    public static void export(NetSpec spec, double[] theta, Path file) throws IOException {
        ModelSerializer.writeModel(create(spec, theta, DataType.FLOAT), file.toFile(), false);
    }
}
