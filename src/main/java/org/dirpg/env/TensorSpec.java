package org.dirpg.env;

import java.util.Arrays;

/**
 * One named observation tensor: its shape and element type ("uint8", "int64", "float32", "float64").
 * A {@link State#features()} vector is the concatenation of the spec's tensors, each flattened in row-major order.
 */
public record TensorSpec(String name, int[] shape, String dtype) {
    public TensorSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tensor needs a name");
        }
        shape = shape.clone();
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor " + name + " has a non-positive dimension in " + Arrays.toString(shape));
            }
        }
    }

    /** The number of elements. */
    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape) && dtype.equals(t.dtype);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + ":" + dtype;
    }
}
