package org.dirpg.env;

import java.util.Arrays;

/**
 * The Gymnasium space of one observation part ({@link TensorSpec}), which decides how a policy network reads it:
 * {@link Discrete} and {@link MultiDiscrete} parts are one-hot encoded, a bounded {@link Box} is scaled to [-1, 1]
 * (an image by 1/255) and an image goes through a CNN, {@link MultiBinary} is read as 0/1. The part's shape and dtype
 * are its {@link TensorSpec}'s; a space only adds what the shape and dtype do not say. On the wire this is the env
 * protocol's {@code Space} message.
 */
public sealed interface Space permits Space.Discrete, Space.Box, Space.MultiDiscrete, Space.MultiBinary {

    /** Checks that this space fits a part of {@code shape}, with a message naming the part. */
    void check(String part, int[] shape);

    /** Gymnasium's {@code Discrete(n, start)}: a scalar in {@code start .. start + n - 1}. */
    record Discrete(long n, long start) implements Space {
        public Discrete {
            if (n < 1) {
                throw new IllegalArgumentException("Discrete space needs n >= 1, got " + n);
            }
        }

        /** {@code Discrete(n)}, starting at 0. */
        public Discrete(long n) {
            this(n, 0);
        }

        @Override
        public void check(String part, int[] shape) {
            if (shape.length != 0) {
                throw new IllegalArgumentException("part '" + part + "' is Discrete(" + n + "), so its shape must be [] "
                        + "(a scalar), got " + Arrays.toString(shape));
            }
        }

        @Override
        public String toString() {
            return start == 0 ? "Discrete(" + n + ")" : "Discrete(" + n + ", start=" + start + ")";
        }
    }

    /**
     * Gymnasium's {@code Box(low, high)}: {@code low} and {@code high} hold one value for every element or one per
     * element (row-major); an unbounded side is infinite. {@code image} is the environment's own say on whether the part
     * is pixels (null: decided from shape, dtype and bounds, as {@link #isImage} does).
     */
    record Box(double[] low, double[] high, Boolean image) implements Space {
        public Box {
            low = low.clone();
            high = high.clone();
            if (low.length == 0 || high.length == 0) {
                throw new IllegalArgumentException("Box space needs low and high (one value, or one per element)");
            }
            for (double v : low) {
                if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("Box low must be finite or -Infinity, got " + v);
                }
            }
            for (double v : high) {
                if (Double.isNaN(v) || v == Double.NEGATIVE_INFINITY) {
                    throw new IllegalArgumentException("Box high must be finite or +Infinity, got " + v);
                }
            }
        }

        /** A Box with the same bounds for every element. */
        public static Box uniform(double low, double high) {
            return new Box(new double[] {low}, new double[] {high}, null);
        }

        /** A Box with no bounds. */
        public static Box unbounded() {
            return uniform(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }

        @Override
        public double[] low() {
            return low.clone();
        }

        @Override
        public double[] high() {
            return high.clone();
        }

        /** The lower bound of element {@code i}. */
        public double low(int i) {
            return low.length == 1 ? low[0] : low[i];
        }

        /** The upper bound of element {@code i}. */
        public double high(int i) {
            return high.length == 1 ? high[0] : high[i];
        }

        /** True when every element has finite bounds with low < high. */
        public boolean isBounded(int size) {
            for (int i = 0; i < size; i++) {
                if (!Double.isFinite(low(i)) || !Double.isFinite(high(i)) || !(low(i) < high(i))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Whether a part of this space, {@code shape} and {@code dtype} is an image: the env's own say when it gave one,
         * else Stable-Baselines3's conservative rule (uint8, three dimensions, bounds [0, 255]).
         */
        public boolean isImage(int[] shape, String dtype) {
            if (image != null) {
                return image;
            }
            if (!dtype.equals("uint8") || shape.length != 3) {
                return false;
            }
            int size = shape[0] * shape[1] * shape[2];
            for (int i = 0; i < size; i++) {
                if (low(i) != 0 || high(i) != 255) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void check(String part, int[] shape) {
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            if ((low.length != 1 && low.length != size) || (high.length != 1 && high.length != size)) {
                throw new IllegalArgumentException("part '" + part + "' has " + size + " elements; its Box bounds must "
                        + "have 1 or " + size + " values, got " + low.length + " low and " + high.length + " high");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Box b && Arrays.equals(low, b.low) && Arrays.equals(high, b.high)
                    && java.util.Objects.equals(image, b.image);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(low) * 31 + Arrays.hashCode(high);
        }

        @Override
        public String toString() {
            String lo = low.length == 1 ? Double.toString(low[0]) : "[" + low.length + " values]";
            String hi = high.length == 1 ? Double.toString(high[0]) : "[" + high.length + " values]";
            return "Box(" + lo + ", " + hi + (image == null ? "" : ", image=" + image) + ")";
        }
    }

    /** Gymnasium's {@code MultiDiscrete(nvec, start)}: element i in {@code start[i] .. start[i] + nvec[i] - 1}. */
    record MultiDiscrete(long[] nvec, long[] start) implements Space {
        public MultiDiscrete {
            nvec = nvec.clone();
            start = start == null || start.length == 0 ? new long[nvec.length] : start.clone();
            if (nvec.length == 0 || start.length != nvec.length) {
                throw new IllegalArgumentException("MultiDiscrete needs nvec (and start, if given, of the same length)");
            }
            for (long n : nvec) {
                if (n < 1) {
                    throw new IllegalArgumentException("MultiDiscrete needs every nvec >= 1, got " + Arrays.toString(nvec));
                }
            }
        }

        @Override
        public long[] nvec() {
            return nvec.clone();
        }

        @Override
        public long[] start() {
            return start.clone();
        }

        @Override
        public void check(String part, int[] shape) {
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            if (size != nvec.length) {
                throw new IllegalArgumentException("part '" + part + "' has " + size + " elements but its MultiDiscrete "
                        + "nvec has " + nvec.length);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MultiDiscrete m && Arrays.equals(nvec, m.nvec) && Arrays.equals(start, m.start);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(nvec);
        }

        @Override
        public String toString() {
            return "MultiDiscrete(" + Arrays.toString(nvec) + ")";
        }
    }

    /** Gymnasium's {@code MultiBinary}: every element 0 or 1. */
    record MultiBinary() implements Space {
        @Override
        public void check(String part, int[] shape) {
        }

        @Override
        public String toString() {
            return "MultiBinary";
        }
    }
}
