package org.dirpg.policy.dl4j;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward pass of the MiniGrid network ({@link MiniGridNetwork}) on plain float arrays, for the search: within one
 * search theta is fixed and states come one region at a time, where a DL4J call's overhead (tens of microseconds and
 * allocation churn, REFERENCE.md) exceeds the network's ~174k multiply-adds. Computes exactly what the graph computes
 * (3x3 valid convolutions 3 -> 32 -> 48 -> 64, ReLU after the first two, concat with the one-hot direction, linear to
 * 7 logits), single-threaded, so its results do not depend on the machine's thread count.
 *
 * <p>Weights are stored [k][o] (k = input channel x 3 x 3 patch offset, o = output channel) so the innermost loop is
 * an axpy over output channels, which the JIT vectorises; inputs that ReLU zeroed are skipped. Immutable after
 * construction, so one instance may serve several threads.
 */
final class ConvInference {
    private static final int SIDE = MiniGridObservation.VIEW_SIZE;
    private static final int C0 = MiniGridNetwork.CHANNELS[0];
    private static final int C1 = MiniGridNetwork.CHANNELS[1];
    private static final int C2 = MiniGridNetwork.CHANNELS[2];
    private static final int C3 = MiniGridNetwork.CHANNELS[3];
    private static final int A = MiniGridNetwork.NUM_ACTIONS;

    static final int H1 = 5 * 5 * C1;
    static final int H2 = 3 * 3 * C2;

    final float[] w1;
    final float[] b1;
    final float[] w2;
    final float[] b2;
    final float[] w3;
    final float[] b3;
    final float[] wd;
    final float[] bd;

    /** A snapshot of the graph's current parameters. */
    ConvInference(ComputationGraph graph) {
        w1 = convWeights(graph, "conv1", C0, C1);
        b1 = bias(graph, "conv1");
        w2 = convWeights(graph, "conv2", C1, C2);
        b2 = bias(graph, "conv2");
        w3 = convWeights(graph, "conv3", C2, C3);
        b3 = bias(graph, "conv3");
        wd = graph.getLayer(MiniGridNetwork.LOGITS).getParam("W").dup('c').reshape(-1).toFloatVector(); // [68][7], row-major
        bd = bias(graph, MiniGridNetwork.LOGITS);
    }

    /** DL4J's conv weights [out][in][kh][kw] rearranged to [in * 9 + kh * 3 + kw][out]. */
    private static float[] convWeights(ComputationGraph graph, String layer, int in, int out) {
        INDArray w = graph.getLayer(layer).getParam("W");
        float[] flat = Nd4j.toFlattened('c', w).toFloatVector();
        int k = in * 9;
        float[] t = new float[k * out];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < k; j++) {
                t[j * out + o] = flat[o * k + j];
            }
        }
        return t;
    }

    private static float[] bias(ComputationGraph graph, String layer) {
        return graph.getLayer(layer).getParam("b").dup('c').reshape(-1).toFloatVector();
    }

    /** The 7 logits for one observation laid out as {@link MiniGridObservation} describes. */
    void logits(double[] features, double[] out) {
        forward(features, new float[H1], new float[H2], new float[C3], out);
    }

    /**
     * The forward pass keeping its activations for {@link ConvGradient}: {@code h1} [5][5][32] and {@code h2}
     * [3][3][48] after ReLU, {@code f3} the 64 conv3 outputs, {@code out} the 7 logits. Every array is overwritten.
     */
    void forward(double[] features, float[] h1, float[] h2, float[] f3, double[] out) {
        float[] acc = new float[C3];
        // conv1: 7x7x3 -> 5x5x32, input read straight from the features ([x][y][c]).
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                System.arraycopy(b1, 0, acc, 0, C1);
                for (int c = 0; c < C0; c++) {
                    for (int kh = 0; kh < 3; kh++) {
                        for (int kw = 0; kw < 3; kw++) {
                            float v = input(features, i + kh, j + kw, c);
                            if (v != 0f) {
                                axpy(v, w1, (c * 9 + kh * 3 + kw) * C1, acc, C1);
                            }
                        }
                    }
                }
                relu(acc, h1, (i * 5 + j) * C1, C1);
            }
        }
        // conv2: 5x5x32 -> 3x3x48
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                System.arraycopy(b2, 0, acc, 0, C2);
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        int base = ((i + kh) * 5 + j + kw) * C1;
                        for (int c = 0; c < C1; c++) {
                            float v = h1[base + c];
                            if (v != 0f) {
                                axpy(v, w2, (c * 9 + kh * 3 + kw) * C2, acc, C2);
                            }
                        }
                    }
                }
                relu(acc, h2, (i * 3 + j) * C2, C2);
            }
        }
        // conv3: 3x3x48 -> 1x1x64, no activation
        System.arraycopy(b3, 0, f3, 0, C3);
        for (int kh = 0; kh < 3; kh++) {
            for (int kw = 0; kw < 3; kw++) {
                int base = (kh * 3 + kw) * C2;
                for (int c = 0; c < C2; c++) {
                    float v = h2[base + c];
                    if (v != 0f) {
                        axpy(v, w3, (c * 9 + kh * 3 + kw) * C3, f3, C3);
                    }
                }
            }
        }
        // dense on [conv3 (64), one-hot direction (4)]
        float[] logits = new float[A];
        System.arraycopy(bd, 0, logits, 0, A);
        for (int f = 0; f < C3; f++) {
            axpy(f3[f], wd, f * A, logits, A);
        }
        axpy(1f, wd, (C3 + direction(features)) * A, logits, A);
        for (int a = 0; a < A; a++) {
            out[a] = logits[a];
        }
    }

    /** Image value (row, column, channel) of the 7x7x3 view, as the graph's [c][h][w] input sees it. */
    static float input(double[] features, int row, int column, int channel) {
        return (float) features[(row * SIDE + column) * C0 + channel];
    }

    /** The agent's direction 0..3, the index of the one-hot input. */
    static int direction(double[] features) {
        return (int) features[MiniGridObservation.IMAGE_LENGTH];
    }

    /** {@code y[yOffset + o] += v * x[xOffset + o]} for o < n. */
    static void axpy(float v, float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int o = 0; o < n; o++) {
            y[yOffset + o] += v * x[xOffset + o];
        }
    }

    private static void axpy(float v, float[] w, int offset, float[] acc, int n) {
        axpy(v, w, offset, acc, 0, n);
    }

    private static void relu(float[] acc, float[] h, int offset, int n) {
        for (int o = 0; o < n; o++) {
            h[offset + o] = Math.max(acc[o], 0f);
        }
    }
}
