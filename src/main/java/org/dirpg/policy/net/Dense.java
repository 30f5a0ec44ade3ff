package org.dirpg.policy.net;

/**
 * A fully connected layer {@code y = act(b + x W)} with W kept as one array of the outputs per input, so the forward
 * pass is one axpy over the outputs per non-zero input (a one-hot input costs O(out)), gathered eight at a time
 * ({@link Layer#gatherAxpy}). Parameters in the layer's own order: W row-major, then b.
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final Activation activation;
    private final int[] index;
    private final float[][] w;
    private final float[] b;

    /**
     * @param index where each of the {@code in * out + out} parameters (W [in][out] row-major, then b) sits in theta
     */
    public Dense(int in, int out, Activation activation, int[] index) {
        if (index.length != in * out + out) {
            throw new IllegalArgumentException("dense " + in + " -> " + out + " has " + (in * out + out)
                    + " parameters, the index names " + index.length);
        }
        this.in = in;
        this.out = out;
        this.activation = activation;
        this.index = index.clone();
        this.w = new float[in][out];
        this.b = new float[out];
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
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
        int k = 0;
        for (int f = 0; f < in; f++) {
            for (int o = 0; o < out; o++, k++) {
                w[f][o] = (float) theta[index[k]];
            }
        }
        for (int o = 0; o < out; o++) {
            b[o] = (float) theta[index[k + o]];
        }
    }

    @Override
    public void forward(float[] x, float[] y) {
        System.arraycopy(b, 0, y, 0, out);
        float[] values = new float[in];
        int[] rows = new int[in];
        int n = 0;
        for (int f = 0; f < in; f++) {
            float v = x[f];
            if (v != 0f) {
                values[n] = v;
                rows[n++] = f;
            }
        }
        Layer.gatherAxpy(values, rows, n, w, y, out);
        activation.apply(y, 0, out);
    }

    /** Rows: W's {@code in} rows of {@code out}, then b. */
    @Override
    public float[][] newGradient() {
        return new float[in + 1][out];
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, float[][] grad) {
        activation.backward(y, dy, out);
        Layer.axpy(1f, dy, 0, grad[in], 0, out);
        for (int f = 0; f < in; f++) {
            float v = x[f];
            if (v != 0f) {
                Layer.axpy(v, dy, 0, grad[f], 0, out);
            }
        }
        if (dx != null) {
            for (int f = 0; f < in; f++) {
                float s = 0f;
                float[] row = w[f];
                for (int o = 0; o < out; o++) {
                    s += row[o] * dy[o];
                }
                dx[f] = s;
            }
        }
    }

    @Override
    public String describe() {
        return "dense " + out + (activation == Activation.IDENTITY ? "" : " " + activation.label());
    }
}
