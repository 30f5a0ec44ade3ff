package org.dirpg.policy.dl4j;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The paper's MiniGrid policy network (App. C.3, after the authors' {@code policy_model.py}): three 3x3
 * convolutions without padding, 3 -> 32 -> 48 -> 64 channels with ReLU after the first two (7x7 -> 5x5 -> 3x3 -> 1x1),
 * flattened to 64 features, concatenated with the one-hot direction (4) and mapped linearly to 7 logits.
 *
 * <p>The graph has two inputs, {@value #IMAGE_INPUT} [n, 3, 7, 7] and {@value #DIRECTION_INPUT} [n, 4], and one output,
 * the logits {@value #LOGITS}; the masked log-softmax is applied outside the graph ({@link org.dirpg.policy.MaskedLogSoftmax}).
 * Weights are drawn U(-1/sqrt(fanIn), 1/sqrt(fanIn)) as in PyTorch's default initialisation, biases start at 0.
 */
public final class MiniGridNetwork {
    public static final String IMAGE_INPUT = "image";
    public static final String DIRECTION_INPUT = "direction";
    public static final String LOGITS = "logits";
    /** MiniGrid's action count: left, right, forward, pickup, drop, toggle, done. */
    public static final int NUM_ACTIONS = 7;
    static final int[] CHANNELS = {MiniGridObservation.CHANNELS, 32, 48, 64};

    private MiniGridNetwork() {
    }

    /**
     * A new network whose initial weights are a function of {@code seed} alone: drawn here from a
     * {@link SplittableRandom} (DL4J's own initialisation draws from ND4J's global generator, which differed between
     * JVM runs), W ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)) per layer in order, biases 0.
     */
    public static ComputationGraph create(long seed, DataType dataType) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("data type must be FLOAT or DOUBLE, got " + dataType);
        }
        NativeThreads.pinToOne();
        ComputationGraph graph = new ComputationGraph(configuration(seed, dataType));
        graph.init();
        SplittableRandom rng = new SplittableRandom(seed ^ 0x6C8E9CF570932BD5L);
        for (String layer : new String[] {"conv1", "conv2", "conv3", LOGITS}) {
            INDArray w = graph.getLayer(layer).getParam("W");
            long[] shape = w.shape();
            long fanIn = layer.equals(LOGITS) ? shape[0] : shape[1] * shape[2] * shape[3];
            double limit = 1.0 / Math.sqrt(fanIn);
            double[] values = new double[Math.toIntExact(w.length())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (2 * rng.nextDouble() - 1) * limit;
            }
            w.assign(Nd4j.create(values, shape, 'c').castTo(dataType));
            graph.getLayer(layer).getParam("b").assign(0);
        }
        return graph;
    }

    static ComputationGraphConfiguration configuration(long seed, DataType dataType) {
        int side = MiniGridObservation.VIEW_SIZE;
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .weightInit(WeightInit.UNIFORM)
                // No workspaces in training: backpropGradient reads the activations kept by feedForward.
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(IMAGE_INPUT, DIRECTION_INPUT)
                .setInputTypes(InputType.convolutional(side, side, MiniGridObservation.CHANNELS),
                        InputType.feedForward(MiniGridObservation.NUM_DIRECTIONS));
        String previous = IMAGE_INPUT;
        for (int k = 1; k < CHANNELS.length; k++) {
            String name = "conv" + k;
            g.addLayer(name, new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(0, 0)
                    .nIn(CHANNELS[k - 1]).nOut(CHANNELS[k])
                    .activation(k < CHANNELS.length - 1 ? Activation.RELU : Activation.IDENTITY)
                    .build(), previous);
            previous = name;
            side -= 2;
        }
        int last = CHANNELS[CHANNELS.length - 1];
        return g.addVertex("flatten", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(side, side, last)),
                        previous)
                .addVertex("concat", new MergeVertex(), "flatten", DIRECTION_INPUT)
                .addLayer(LOGITS, new DenseLayer.Builder().nIn(side * side * last + MiniGridObservation.NUM_DIRECTIONS)
                        .nOut(NUM_ACTIONS).activation(Activation.IDENTITY).build(), "concat")
                .setOutputs(LOGITS)
                .allowNoOutput(true)
                .validateOutputLayerConfig(false)
                .build();
    }
}
