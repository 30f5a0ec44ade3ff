package org.dirpg.policy.net;

/**
 * Flattens an [h][w][c] activation into DL4J's order for a CNN feeding a dense layer ({@code CnnToFeedForward}:
 * index {@code ch * h * w + i * w + j}), so that the dense weights that follow are DL4J's. No parameters.
 */
public final class Flatten implements Layer {
    private final int h;
    private final int w;
    private final int c;

    public Flatten(int h, int w, int c) {
        this.h = h;
        this.w = w;
        this.c = c;
    }

    @Override
    public int inputSize() {
        return h * w * c;
    }

    @Override
    public int outputSize() {
        return h * w * c;
    }

    @Override
    public int numParameters() {
        return 0;
    }

    @Override
    public int[] parameterIndex() {
        return new int[0];
    }

    @Override
    public void load(double[] theta) {
    }

    @Override
    public void forward(float[] x, float[] y) {
        int plane = h * w;
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < c; ch++) {
                y[ch * plane + p] = x[p * c + ch];
            }
        }
    }

    @Override
    public float[][] newGradient() {
        return new float[0][];
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, float[][] grad) {
        if (dx == null) {
            return;
        }
        int plane = h * w;
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < c; ch++) {
                dx[p * c + ch] = dy[ch * plane + p];
            }
        }
    }

    @Override
    public String describe() {
        return "flatten";
    }
}
