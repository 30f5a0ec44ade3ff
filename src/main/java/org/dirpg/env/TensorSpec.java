package org.dirpg.env;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named observation tensor: its shape, element type ("uint8", "int64", "float32", "float64") and Gymnasium
 * {@link Space}. A {@link State#features()} vector is the concatenation of the spec's tensors, each flattened in
 * row-major order, with the environment's own unscaled values (a Discrete part is its integer; the policy one-hot
 * encodes it).
 *
 * @param space the part's space; never null: a part built without one (an older server) is an unbounded
 *              {@link Space.Box}
 */
public record TensorSpec(String name, int[] shape, String dtype, Space space) {
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
        space = space == null ? Space.Box.unbounded() : space;
        space.check(name, shape);
    }

    /** A part whose space is not known: an unbounded Box. */
    public TensorSpec(String name, int[] shape, String dtype) {
        this(name, shape, dtype, null);
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
        return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape) && dtype.equals(t.dtype)
                && space.equals(t.space);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), dtype);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + ":" + dtype + " " + space;
    }
}
