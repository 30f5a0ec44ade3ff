package org.dirpg.policy.net;

/**
 * One plain-array layer of a {@link Network}: it knows its input and output sizes, its slice of the flat theta, its
 * forward pass and its backward pass on float arrays.
 *
 * <p>Call order: {@link #load} once per theta (copies the layer's parameters out of theta, laid out as
 * {@link #parameterIndex()} says); then any number of {@link #forward} calls from any threads (a layer keeps no
 * per-call state); {@link #backward} (or {@link #backwardBatch}) accumulates into a caller-owned gradient buffer from {@link #newGradient}, which
 * {@link #scatter} adds into a theta-shaped gradient.
 *
 * <p>A gradient buffer is shaped as the layer keeps its weights: one array per weight row (read from index 0), then
 * the bias, so the weight-gradient accumulation is an {@link #axpy} into a row, which the JIT vectorises (into one
 * flat array at an offset it stays scalar: see {@link #gatherAxpy}). Its rows concatenated are the layer's own order.
 */
public interface Layer {

    /** The number of inputs (a flat array; images are [h][w][c]). */
    int inputSize();

    /** The number of outputs. */
    int outputSize();

    /** The number of parameters this layer owns. */
    int numParameters();

    /** Where parameter k of this layer (in the layer's own order) sits in the flat theta. */
    int[] parameterIndex();

    /** Copies this layer's parameters out of {@code theta}. */
    void load(double[] theta);

    /** Computes {@code out} from {@code in}. */
    void forward(float[] in, float[] out);

    /** A zero gradient buffer: rows whose concatenation is the layer's own order ({@link #numParameters()} floats). */
    float[][] newGradient();

    /**
     * Given the input {@code in}, the output {@code out} of {@link #forward} and the gradient {@code dOut} with
     * respect to the output (which this call may overwrite), adds the parameter gradient into {@code grad} (a buffer
     * of {@link #newGradient}) and writes the input gradient into {@code dIn} unless it is null.
     */
    void backward(float[] in, float[] out, float[] dOut, float[] dIn, float[][] grad);

    /**
     * {@link #backward} for a batch of observations (arrays indexed by observation; {@code dIn} null or an array of
     * input-gradient arrays), adding every observation's parameter gradient into {@code grad}. The default runs them
     * one by one, in order; a layer may sum them in another grouping (float rounding then differs from one by one).
     */
    default void backwardBatch(float[][] in, float[][] out, float[][] dOut, float[][] dIn, float[][] grad) {
        for (int i = 0; i < in.length; i++) {
            backward(in[i], out[i], dOut[i], dIn == null ? null : dIn[i], grad);
        }
    }

    /** A short description for architecture lines, e.g. "conv 3x3/1 32 relu". */
    String describe();

    /** Adds a gradient buffer ({@link #newGradient}, rows in the layer's own order) into a theta-shaped gradient. */
    default void scatter(float[][] grad, double[] gradient) {
        int[] index = parameterIndex();
        int k = 0;
        for (float[] row : grad) {
            for (float v : row) {
                gradient[index[k++]] += v;
            }
        }
    }

    /** {@code y[yOffset + o] += v * x[xOffset + o]} for o < n: the inner loop of every layer, which the JIT vectorises. */
    static void axpy(float v, float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int o = 0; o < n; o++) {
            y[yOffset + o] += v * x[xOffset + o];
        }
    }

    /** {@link #gatherAxpy(float[], int[], int, float[][], float[], int, float[])} with a scratch row of its own. */
    static void gatherAxpy(float[] values, int[] rows, int n, float[][] table, float[] acc, int len) {
        gatherAxpy(values, rows, n, table, acc, len, new float[len]);
    }

    /**
     * {@code acc[o] += sum_k values[k] table[rows[k]][o]} for k < n and o < len: n axpys, eight at a time (then one by
     * one), so that each pass loads and stores acc once for eight inputs (the sums are grouped, so float rounding
     * differs from n single axpys). Every array is read from index 0: with offsets, the JIT cannot rule out that two
     * of them overlap and leaves the loop scalar (about 1 GMAC/s against 5-9 here). Rows are indices into
     * {@code table}, not references: storing a reference into an array costs a GC barrier and a type check.
     *
     * <p>A group of eight is two loops of four rows, the first's sums kept in {@code half} (at least {@code len}
     * floats, overwritten): C2 (JDK 17) leaves one loop over all eight rows and acc scalar (the same speed with
     * {@code -XX:-UseSuperWord}), but vectorises a loop over six arrays: about twice as fast on rows of 32 to 144
     * floats, and the conv net's forward pass a third faster. The floats are the same as one loop's,
     * {@code acc + ((a ra + b rb + c rc + d rd) + (e re + f rf + g rg + h rh))}, each operation in the same order.
     */
    static void gatherAxpy(float[] values, int[] rows, int n, float[][] table, float[] acc, int len, float[] half) {
        int k = 0;
        for (; k + 8 <= n; k += 8) {
            float a = values[k];
            float b = values[k + 1];
            float c = values[k + 2];
            float d = values[k + 3];
            float e = values[k + 4];
            float f = values[k + 5];
            float g = values[k + 6];
            float h = values[k + 7];
            float[] ra = table[rows[k]];
            float[] rb = table[rows[k + 1]];
            float[] rc = table[rows[k + 2]];
            float[] rd = table[rows[k + 3]];
            float[] re = table[rows[k + 4]];
            float[] rf = table[rows[k + 5]];
            float[] rg = table[rows[k + 6]];
            float[] rh = table[rows[k + 7]];
            for (int o = 0; o < len; o++) {
                half[o] = a * ra[o] + b * rb[o] + c * rc[o] + d * rd[o];
            }
            for (int o = 0; o < len; o++) {
                acc[o] += half[o] + (e * re[o] + f * rf[o] + g * rg[o] + h * rh[o]);
            }
        }
        for (; k < n; k++) {
            float a = values[k];
            float[] ra = table[rows[k]];
            for (int o = 0; o < len; o++) {
                acc[o] += a * ra[o];
            }
        }
    }
}
