package org.dirpg.policy.net;

/**
 * A 2-D convolution without padding, {@code y[i][j][o] = act(b[o] + sum_{kh, kw, c} x[i s + kh][j s + kw][c]
 * W[kh][kw][c][o])}, on [h][w][c] (channels-last) arrays. W is kept as one array of the output channels per input
 * (kh, kw, c), so the forward pass is one axpy over the output channels per non-zero input value, and transposed as
 * one array of a kernel row's inputs (kw, c) per (o, kh) for the input gradient. Separate arrays read from index 0
 * are what the JIT vectorises ({@link Layer#gatherAxpy}).
 * Parameters in the layer's own order: W as [kh][kw][c][o], then b.
 */
public final class Conv2d implements Layer {
    private final int h;
    private final int w;
    private final int c;
    private final int kernel;
    private final int stride;
    private final int channels;
    private final int outH;
    private final int outW;
    private final Activation activation;
    private final int[] index;
    private final float[][] weights;
    private final float[][] transposed;
    private final int numWeights;
    private final float[] bias;

    /**
     * @param index where each parameter (W as [kh][kw][c][o], then b) sits in theta
     */
    public Conv2d(int h, int w, int c, int kernel, int stride, int channels, Activation activation, int[] index) {
        if (kernel < 1 || stride < 1 || kernel > h || kernel > w) {
            throw new IllegalArgumentException("conv " + kernel + "x" + kernel + "/" + stride + " does not fit a "
                    + h + "x" + w + " input");
        }
        this.h = h;
        this.w = w;
        this.c = c;
        this.kernel = kernel;
        this.stride = stride;
        this.channels = channels;
        this.outH = (h - kernel) / stride + 1;
        this.outW = (w - kernel) / stride + 1;
        this.activation = activation;
        int n = kernel * kernel * c * channels;
        if (index.length != n + channels) {
            throw new IllegalArgumentException("conv has " + (n + channels) + " parameters, the index names "
                    + index.length);
        }
        this.index = index.clone();
        this.numWeights = n;
        this.weights = new float[kernel * kernel * c][channels];
        this.transposed = new float[channels * kernel][kernel * c];
        this.bias = new float[channels];
    }

    /** The output's height. */
    public int outputHeight() {
        return outH;
    }

    /** The output's width. */
    public int outputWidth() {
        return outW;
    }

    /** The output's channels. */
    public int outputChannels() {
        return channels;
    }

    @Override
    public int inputSize() {
        return h * w * c;
    }

    @Override
    public int outputSize() {
        return outH * outW * channels;
    }

    @Override
    public int numParameters() {
        return index.length;
    }

    @Override
    public int[] parameterIndex() {
        return index.clone();
    }

    @Override
    public void load(double[] theta) {
        int patch = kernel * kernel * c;
        int row = kernel * c;
        int k = 0;
        // k = p * channels + o walked in order: two integer divisions a weight made this the bulk of a theta change
        for (int p = 0; p < patch; p++) { // p = (kh * kernel + kw) * c + ch = kh * row + q
            int kh = p / row;
            int q = p - kh * row;
            for (int o = 0; o < channels; o++, k++) {
                float v = (float) theta[index[k]];
                weights[p][o] = v;
                transposed[o * kernel + kh][q] = v;
            }
        }
        for (int o = 0; o < channels; o++) {
            bias[o] = (float) theta[index[numWeights + o]];
        }
    }

    @Override
    public void forward(float[] x, float[] y) {
        int row = kernel * c;
        // each input pixel's non-zero values and their channels, found once: a pixel lies in up to kernel^2 patches,
        // and a test per value per patch was a mispredicted branch for every other ReLU output
        int pixels = h * w;
        Scratch scratch = SCRATCH.get().fit(pixels * c, pixels + 1, Math.max(channels, kernel * row));
        float[] nonZero = scratch.nonZero;
        int[] channel = scratch.channel;
        int[] start = scratch.start;
        int count = 0;
        for (int p = 0; p < pixels; p++) {
            start[p] = count;
            int base = p * c;
            for (int ch = 0; ch < c; ch++) {
                float v = x[base + ch];
                nonZero[count] = v;
                channel[count] = ch;
                count += v != 0f ? 1 : 0;
            }
        }
        start[pixels] = count;
        float[] acc = scratch.acc;
        float[] half = scratch.half;
        float[] values = scratch.values;
        int[] rows = scratch.rows;
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                // the patch's non-zero inputs and their weight rows (kh, kw, ch), in the order of W's rows
                int n = 0;
                for (int kh = 0; kh < kernel; kh++) {
                    int pixel = (i * stride + kh) * w + j * stride;
                    for (int kw = 0; kw < kernel; kw++, pixel++) {
                        int wRow = kh * row + kw * c;
                        for (int t = start[pixel]; t < start[pixel + 1]; t++, n++) {
                            values[n] = nonZero[t];
                            rows[n] = wRow + channel[t];
                        }
                    }
                }
                System.arraycopy(bias, 0, acc, 0, channels);
                Layer.gatherAxpy(values, rows, n, weights, acc, channels, half);
                System.arraycopy(acc, 0, y, (i * outW + j) * channels, channels);
            }
        }
        activation.apply(y, 0, y.length);
    }

    /**
     * A thread's working arrays for {@link #forward}, grown to the largest layer it has served and reused: allocated
     * a pass, they were three times the activations the pass keeps (about 19 KB a forward pass of the paper's net).
     * Every element {@code forward} reads it has written first in the same pass.
     */
    private static final class Scratch {
        float[] nonZero = new float[0];
        int[] channel = new int[0];
        int[] start = new int[0];
        float[] acc = new float[0];
        float[] half = new float[0];
        float[] values = new float[0];
        int[] rows = new int[0];

        Scratch fit(int inputs, int pixels, int patch) {
            if (nonZero.length < inputs) {
                nonZero = new float[inputs];
                channel = new int[inputs];
            }
            if (start.length < pixels) {
                start = new int[pixels];
            }
            if (acc.length < patch) {
                acc = new float[patch];
                half = new float[patch];
                values = new float[patch];
                rows = new int[patch];
            }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Rows: W's {@code kernel * kernel * c} rows of the output channels (as the weights are kept), then b. */
    @Override
    public float[][] newGradient() {
        return new float[kernel * kernel * c + 1][channels];
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, float[][] grad) {
        backwardBatch(new float[][] {x}, new float[][] {y}, new float[][] {dy}, dx == null ? null : new float[][] {dx},
                grad);
    }

    /**
     * The batch's weight gradient in one pass per weight row: {@code dW[p] += sum over (observation, output pixel) of
     * x[patch + p] dy[pixel]}, a gather over every observation's pixels at once. One observation at a time, a row
     * gathered nine pixels (3x3 outputs) or one (1x1) and paid a pass over its accumulator for each; a batch of 16
     * gathers 144 or 16. The bias sums observation by observation, pixel by pixel.
     */
    @Override
    public void backwardBatch(float[][] xs, float[][] ys, float[][] dys, float[][] dxs, float[][] grad) {
        float[] gBias = grad[kernel * kernel * c];
        int row = kernel * c;
        int pixels = outH * outW;
        // the (observation, output pixel) pairs whose gradient is not all zero: their gradient rows, their observation
        // and where each one's patch starts
        float[][] dyRows = new float[xs.length * pixels][];
        int[] owner = new int[dyRows.length];
        int[] patchAt = new int[dyRows.length];
        int m = 0;
        for (int b = 0; b < xs.length; b++) {
            float[] dy = dys[b];
            activation.backward(ys[b], dy, pixels * channels);
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int at = (i * outW + j) * channels;
                    boolean any = false;
                    for (int o = 0; o < channels; o++) {
                        float d = dy[at + o];
                        gBias[o] += d;
                        any |= d != 0f;
                    }
                    if (any) {
                        dyRows[m] = java.util.Arrays.copyOfRange(dy, at, at + channels);
                        owner[m] = b;
                        patchAt[m++] = (i * stride * w + j * stride) * c;
                    }
                }
            }
        }
        // dW[p][o] = sum over the pairs of x[pair's patch + p] dy[pair][o]
        float[] acc = new float[Math.max(channels, row)];
        float[] half = new float[acc.length];
        float[] values = new float[Math.max(m, channels)];
        int[] rows = new int[values.length];
        for (int kh = 0; kh < kernel; kh++) {
            for (int q = 0; q < row; q++) {
                int offset = kh * w * c + q;
                int n = 0;
                for (int k = 0; k < m; k++) { // without a branch: zeros are too irregular to predict
                    float v = xs[owner[k]][patchAt[k] + offset];
                    values[n] = v;
                    rows[n] = k;
                    n += v != 0f ? 1 : 0;
                }
                if (n == 1) { // the same floats as the sum below of one term: 0 + v dy, then added
                    Layer.axpy(values[0], dyRows[rows[0]], 0, grad[kh * row + q], 0, channels);
                } else if (n > 1) {
                    java.util.Arrays.fill(acc, 0, channels, 0f);
                    Layer.gatherAxpy(values, rows, n, dyRows, acc, channels, half);
                    Layer.axpy(1f, acc, 0, grad[kh * row + q], 0, channels);
                }
            }
        }
        if (dxs == null) {
            return;
        }
        for (float[] dx : dxs) {
            java.util.Arrays.fill(dx, 0, h * w * c, 0f);
        }
        // dx[patch's kernel row kh] += sum over o of dy[pixel][o] W^T[o][kh]
        for (int k = 0; k < m; k++) {
            float[] d = dyRows[k];
            float[] dx = dxs[owner[k]];
            for (int kh = 0; kh < kernel; kh++) {
                int n = 0;
                for (int o = 0; o < channels; o++) {
                    float v = d[o];
                    values[n] = v;
                    rows[n] = o * kernel + kh;
                    n += v != 0f ? 1 : 0;
                }
                java.util.Arrays.fill(acc, 0, row, 0f);
                Layer.gatherAxpy(values, rows, n, transposed, acc, row, half);
                Layer.axpy(1f, acc, 0, dx, patchAt[k] + kh * w * c, row);
            }
        }
    }

    @Override
    public String describe() {
        return "conv " + kernel + "x" + kernel + "/" + stride + " " + channels
                + (activation == Activation.IDENTITY ? "" : " " + activation.label());
    }
}
