package org.dirpg.policy.dl4j;

/**
 * The backward pass of the MiniGrid network on plain float arrays, the counterpart of {@link ConvInference}: given
 * observations s_i and the gradient g_i of a surrogate with respect to their logits, it accumulates
 * {@code sum_i (d logits(s_i) / d theta)^T g_i}. With {@code g_i = w_i (onehot(a_i) - pi(.|s_i))} this is the
 * gradient of {@code sum_i w_i log pi(a_i | s_i)}: eq. (10)'s update for DirPG, the score-function gradient for
 * REINFORCE, the elite log-likelihood for CEM. DL4J's {@code backpropGradient} computes the same (checked to float
 * tolerance by the tests) with a per-call cost and 3,000-row activations that made a REINFORCE update of 3,000
 * states take about a second.
 *
 * <p>The map from logit gradient to theta gradient is linear, so observations that occur several times are
 * back-propagated once with their g's summed (the caller groups them). Units that ReLU zeroed are skipped on the way
 * back as on the way forward: their incoming gradient is zero (the kink at exactly 0 counts as inactive, as in DL4J).
 *
 * <p>Call order: construct over one {@link ConvInference} (one theta), {@link #add} once per distinct observation,
 * then {@link #addTo} to add the sum into a gradient vector in DL4J's layout ({@link ParameterLayout}). Not
 * thread-safe.
 */
final class ConvGradient {
    private static final int C0 = MiniGridNetwork.CHANNELS[0];
    private static final int C1 = MiniGridNetwork.CHANNELS[1];
    private static final int C2 = MiniGridNetwork.CHANNELS[2];
    private static final int C3 = MiniGridNetwork.CHANNELS[3];
    private static final int A = MiniGridNetwork.NUM_ACTIONS;

    private final ConvInference net;
    private final float[] gw1;
    private final float[] gb1 = new float[C1];
    private final float[] gw2;
    private final float[] gb2 = new float[C2];
    private final float[] gw3;
    private final float[] gb3 = new float[C3];
    private final float[] gwd;
    private final float[] gbd = new float[A];
    // activations and their gradients for the current observation
    private final float[] h1 = new float[ConvInference.H1];
    private final float[] h2 = new float[ConvInference.H2];
    private final float[] f3 = new float[C3];
    private final float[] dz1 = new float[ConvInference.H1];
    private final float[] dz2 = new float[ConvInference.H2];
    private final float[] dz3 = new float[C3];
    private final double[] logits = new double[A];
    // conv2 and conv3 weights as [o][kh * 3 + kw][c]: the input gradient becomes contiguous axpys over c
    private final float[] w2t;
    private final float[] w3t;

    ConvGradient(ConvInference net) {
        this.net = net;
        w2t = transpose(net.w2, C1, C2);
        w3t = transpose(net.w3, C2, C3);
        gw1 = new float[net.w1.length];
        gw2 = new float[net.w2.length];
        gw3 = new float[net.w3.length];
        gwd = new float[net.wd.length];
    }

    /** Adds {@code (d logits(features) / d theta)^T dLogits}. */
    void add(double[] features, double[] dLogits) {
        net.forward(features, h1, h2, f3, logits);
        float[] g = new float[A];
        for (int a = 0; a < A; a++) {
            g[a] = (float) dLogits[a];
            gbd[a] += g[a];
        }
        // dense: logits = bd + sum_f x_f wd[f][.], x = [f3, onehot(direction)]
        for (int f = 0; f < C3; f++) {
            ConvInference.axpy(f3[f], g, 0, gwd, f * A, A);
            float s = 0f;
            for (int a = 0; a < A; a++) {
                s += net.wd[f * A + a] * g[a];
            }
            dz3[f] = s;
        }
        ConvInference.axpy(1f, g, 0, gwd, (C3 + ConvInference.direction(features)) * A, A);
        // conv3 (no activation): f3 = b3 + sum_k h2[k] w3[k][.]
        add(dz3, 0, gb3, C3);
        java.util.Arrays.fill(dz2, 0f);
        for (int o = 0; o < C3; o++) {
            if (dz3[o] != 0f) {
                ConvInference.axpy(dz3[o], w3t, o * 9 * C2, dz2, 0, 9 * C2); // dz2 is laid out [kh * 3 + kw][c]
            }
        }
        for (int kh = 0; kh < 3; kh++) {
            for (int kw = 0; kw < 3; kw++) {
                int base = (kh * 3 + kw) * C2;
                for (int c = 0; c < C2; c++) {
                    float v = h2[base + c];
                    if (v != 0f) { // ReLU active: the only units with a gradient
                        ConvInference.axpy(v, dz3, 0, gw3, (c * 9 + kh * 3 + kw) * C3, C3);
                    } else {
                        dz2[base + c] = 0f;
                    }
                }
            }
        }
        // conv2: h2 = relu(b2 + sum h1 w2); dz2 is already masked by h2 > 0
        java.util.Arrays.fill(dz1, 0f);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int out = (i * 3 + j) * C2;
                add(dz2, out, gb2, C2);
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        int base = ((i + kh) * 5 + j + kw) * C1;
                        for (int c = 0; c < C1; c++) {
                            float v = h1[base + c];
                            if (v != 0f) {
                                ConvInference.axpy(v, dz2, out, gw2, (c * 9 + kh * 3 + kw) * C2, C2);
                            }
                        }
                        for (int o = 0; o < C2; o++) {
                            float d = dz2[out + o];
                            if (d != 0f) {
                                ConvInference.axpy(d, w2t, (o * 9 + kh * 3 + kw) * C1, dz1, base, C1);
                            }
                        }
                    }
                }
            }
        }
        for (int p = 0; p < dz1.length; p++) {
            if (h1[p] == 0f) {
                dz1[p] = 0f; // inactive units pass no gradient back
            }
        }
        // conv1: h1 = relu(b1 + sum x w1)
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                int out = (i * 5 + j) * C1;
                add(dz1, out, gb1, C1);
                for (int c = 0; c < C0; c++) {
                    for (int kh = 0; kh < 3; kh++) {
                        for (int kw = 0; kw < 3; kw++) {
                            float x = ConvInference.input(features, i + kh, j + kw, c);
                            if (x != 0f) {
                                ConvInference.axpy(x, dz1, out, gw1, (c * 9 + kh * 3 + kw) * C1, C1);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Adds the accumulated gradient into {@code gradient}, laid out as DL4J's theta. */
    void addTo(double[] gradient, ParameterLayout layout) {
        scatter(gw1, layout.convWeights[0], gradient);
        scatter(gb1, layout.convBiases[0], gradient);
        scatter(gw2, layout.convWeights[1], gradient);
        scatter(gb2, layout.convBiases[1], gradient);
        scatter(gw3, layout.convWeights[2], gradient);
        scatter(gb3, layout.convBiases[2], gradient);
        scatter(gwd, layout.denseWeights, gradient);
        scatter(gbd, layout.denseBiases, gradient);
    }

    private static void scatter(float[] values, int[] index, double[] gradient) {
        for (int i = 0; i < values.length; i++) {
            gradient[index[i]] += values[i];
        }
    }

    private static void add(float[] from, int offset, float[] to, int n) {
        for (int o = 0; o < n; o++) {
            to[o] += from[offset + o];
        }
    }

    /** {@link ConvInference}'s [in x 9 + kh x 3 + kw][out] weights as [out][kh x 3 + kw][in]. */
    private static float[] transpose(float[] w, int in, int out) {
        float[] t = new float[w.length];
        for (int c = 0; c < in; c++) {
            for (int p = 0; p < 9; p++) {
                for (int o = 0; o < out; o++) {
                    t[(o * 9 + p) * in + c] = w[(c * 9 + p) * out + o];
                }
            }
        }
        return t;
    }
}
