package org.dirpg.policy.net;

/**
 * One plain-array layer of a {@link Network}: it knows its input and output sizes, its slice of the flat theta, its
 * forward pass and its backward pass on float arrays.
 *
 * <p>Call order: {@link #load} once per theta (copies the layer's parameters out of theta, laid out as
 * {@link #parameterIndex()} says); then any number of {@link #forward} calls from any threads (a layer keeps no
 * per-call state); {@link #backward} accumulates into a caller-owned gradient buffer of {@link #numParameters()}
 * floats, which {@link #scatter} adds into a theta-shaped gradient.
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

    /**
     * Given the input {@code in}, the output {@code out} of {@link #forward} and the gradient {@code dOut} with
     * respect to the output (which this call may overwrite), adds the parameter gradient into {@code grad} (the
     * layer's own order) and writes the input gradient into {@code dIn} unless it is null.
     */
    void backward(float[] in, float[] out, float[] dOut, float[] dIn, float[] grad);

    /** A short description for architecture lines, e.g. "conv 3x3/1 32 relu". */
    String describe();

    /** Adds a gradient in this layer's own order into a theta-shaped gradient. */
    default void scatter(float[] grad, double[] gradient) {
        int[] index = parameterIndex();
        for (int k = 0; k < grad.length; k++) {
            gradient[index[k]] += grad[k];
        }
    }

    /** {@code y[yOffset + o] += v * x[xOffset + o]} for o < n: the inner loop of every layer, which the JIT vectorises. */
    static void axpy(float v, float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int o = 0; o < n; o++) {
            y[yOffset + o] += v * x[xOffset + o];
        }
    }

    /**
     * {@code y[yOffset + o] += sum_k values[k] x[rows[k] + o]} for k < n and o < len: n axpys, eight (then four) at a
     * time so that each pass loads and stores y once for eight inputs (the sums are grouped, so float rounding differs
     * from n single axpys).
     */
    static void gatherAxpy(float[] values, int[] rows, int n, float[] x, float[] y, int yOffset, int len) {
        gatherAxpy(values, rows, n, x, 0, y, yOffset, len);
    }

    /** {@link #gatherAxpy(float[], int[], int, float[], float[], int, int)} with every row shifted by {@code shift}. */
    static void gatherAxpy(float[] values, int[] rows, int n, float[] x, int shift, float[] y, int yOffset, int len) {
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
            int ra = rows[k] + shift;
            int rb = rows[k + 1] + shift;
            int rc = rows[k + 2] + shift;
            int rd = rows[k + 3] + shift;
            int re = rows[k + 4] + shift;
            int rf = rows[k + 5] + shift;
            int rg = rows[k + 6] + shift;
            int rh = rows[k + 7] + shift;
            for (int o = 0; o < len; o++) {
                y[yOffset + o] += (a * x[ra + o] + b * x[rb + o] + c * x[rc + o] + d * x[rd + o])
                        + (e * x[re + o] + f * x[rf + o] + g * x[rg + o] + h * x[rh + o]);
            }
        }
        for (; k + 4 <= n; k += 4) {
            float a = values[k];
            float b = values[k + 1];
            float c = values[k + 2];
            float d = values[k + 3];
            int ra = rows[k] + shift;
            int rb = rows[k + 1] + shift;
            int rc = rows[k + 2] + shift;
            int rd = rows[k + 3] + shift;
            for (int o = 0; o < len; o++) {
                y[yOffset + o] += a * x[ra + o] + b * x[rb + o] + c * x[rc + o] + d * x[rd + o];
            }
        }
        for (; k < n; k++) {
            axpy(values[k], x, rows[k] + shift, y, yOffset, len);
        }
    }
}
