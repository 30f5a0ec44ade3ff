package org.dirpg.policy.net;

/** The element-wise activations a layer may apply after its affine map, with their derivatives. */
public enum Activation {
    IDENTITY, RELU, TANH;

    /** Applies the activation in place to {@code x[offset .. offset + n)}. */
    void apply(float[] x, int offset, int n) {
        switch (this) {
            case RELU:
                for (int i = offset; i < offset + n; i++) {
                    x[i] = Math.max(x[i], 0f);
                }
                break;
            case TANH:
                for (int i = offset; i < offset + n; i++) {
                    x[i] = (float) Math.tanh(x[i]);
                }
                break;
            default:
                break;
        }
    }

    /**
     * Turns the gradient with respect to the activation's output {@code y} into the gradient with respect to its
     * input, in place: ReLU passes it where y > 0 (the kink at 0 counts as inactive, as in DL4J), tanh multiplies by
     * 1 - y^2.
     */
    void backward(float[] y, float[] dy, int n) {
        switch (this) {
            case RELU:
                for (int i = 0; i < n; i++) {
                    if (y[i] <= 0f) {
                        dy[i] = 0f;
                    }
                }
                break;
            case TANH:
                for (int i = 0; i < n; i++) {
                    dy[i] *= 1f - y[i] * y[i];
                }
                break;
            default:
                break;
        }
    }

    /** The name used in architecture lines and on the command line. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The activation named {@code name} (identity, relu, tanh). */
    public static Activation parse(String name) {
        for (Activation a : values()) {
            if (a.label().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; known: identity, relu, tanh");
    }
}
