package org.dirpg.policy.dl4j;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where each weight of {@link MiniGridNetwork} sits in DL4J's flat parameter vector theta (the vector of
 * {@code Policy.parameters()}), so that a gradient computed on plain arrays ({@link ConvGradient}) lands in the same
 * slots as DL4J's own. Found by probing rather than assumed: a fresh graph is given theta = (0, 1, 2, ...) and each
 * layer's weight and bias arrays are read back in their logical shapes, so the layout is DL4J's whatever its internal
 * ordering (bias before weights for convolutions, column-major dense weights, ...). Immutable.
 *
 * <p>Indices are in {@link ConvInference}'s order: a convolution's weight (k, o) with k = in_channel x 9 + kh x 3 + kw,
 * the dense weight (f, a) with f the 68 features (64 conv outputs, then the 4 one-hot directions).
 */
final class ParameterLayout {
    /** The one layout of the network (it depends only on its configuration). */
    static final ParameterLayout MINIGRID = probe();

    final int[][] convWeights = new int[3][];
    final int[][] convBiases = new int[3][];
    final int[] denseWeights;
    final int[] denseBiases;
    final int size;

    private ParameterLayout(ComputationGraph graph) {
        for (int l = 0; l < 3; l++) {
            INDArray w = graph.getLayer("conv" + (l + 1)).getParam("W"); // [out][in][kh][kw]
            int out = (int) w.size(0);
            int in = (int) w.size(1);
            int[] index = new int[in * 9 * out];
            for (int o = 0; o < out; o++) {
                for (int c = 0; c < in; c++) {
                    for (int kh = 0; kh < 3; kh++) {
                        for (int kw = 0; kw < 3; kw++) {
                            index[(c * 9 + kh * 3 + kw) * out + o] = (int) w.getDouble(o, c, kh, kw);
                        }
                    }
                }
            }
            convWeights[l] = index;
            convBiases[l] = indices(graph.getLayer("conv" + (l + 1)).getParam("b"));
        }
        INDArray wd = graph.getLayer(MiniGridNetwork.LOGITS).getParam("W"); // [68][7]
        denseWeights = new int[(int) wd.length()];
        int actions = (int) wd.size(1);
        for (int f = 0; f < wd.size(0); f++) {
            for (int a = 0; a < actions; a++) {
                denseWeights[f * actions + a] = (int) wd.getDouble(f, a);
            }
        }
        denseBiases = indices(graph.getLayer(MiniGridNetwork.LOGITS).getParam("b"));
        size = Math.toIntExact(graph.numParams());
    }

    private static int[] indices(INDArray bias) {
        double[] v = bias.dup('c').reshape(-1).toDoubleVector();
        int[] index = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            index[i] = (int) v[i];
        }
        return index;
    }

    private static ParameterLayout probe() {
        NativeThreads.pinToOne();
        ComputationGraph graph = new ComputationGraph(MiniGridNetwork.configuration(0, DataType.DOUBLE));
        graph.init();
        long n = graph.numParams();
        graph.setParams(Nd4j.arange(n).castTo(DataType.DOUBLE).reshape(1, n));
        return new ParameterLayout(graph);
    }
}
