package org.dirpg.env.remote;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.TensorSpec;
import org.dirpg.proto.env.v1.DType;
import org.dirpg.proto.env.v1.Tensor;

/**
 * Observation tensors of the environment protocol: little-endian, row-major bytes of one of four element types, and
 * the flat {@code double[]} feature vector ({@link org.dirpg.env.State#features()}) that concatenates them.
 * Used by the client to decode and by the Java server to encode.
 */
public final class ProtoTensors {
    private ProtoTensors() {
    }

    /** The protocol dtype for a {@link TensorSpec} dtype name ("uint8", "int64", "float32", "float64"). */
    public static DType dtype(String name) {
        return switch (name) {
            case "uint8" -> DType.D_TYPE_UINT8;
            case "int64" -> DType.D_TYPE_INT64;
            case "float32" -> DType.D_TYPE_FLOAT32;
            case "float64" -> DType.D_TYPE_FLOAT64;
            default -> throw new IllegalArgumentException("unknown tensor dtype '" + name
                    + "'; expected one of uint8, int64, float32, float64");
        };
    }

    /** The {@link TensorSpec} dtype name of a protocol dtype. */
    public static String dtypeName(DType dtype) {
        return switch (dtype) {
            case D_TYPE_UINT8 -> "uint8";
            case D_TYPE_INT64 -> "int64";
            case D_TYPE_FLOAT32 -> "float32";
            case D_TYPE_FLOAT64 -> "float64";
            default -> throw new IllegalArgumentException("tensor dtype " + dtype
                    + " is not one of UINT8, INT64, FLOAT32, FLOAT64");
        };
    }

    /** Bytes per element of {@code dtype}. */
    public static int elementBytes(DType dtype) {
        return switch (dtype) {
            case D_TYPE_UINT8 -> 1;
            case D_TYPE_INT64, D_TYPE_FLOAT64 -> 8;
            case D_TYPE_FLOAT32 -> 4;
            default -> throw new IllegalArgumentException("tensor dtype " + dtype + " has no element size");
        };
    }

    /** The bytes one observation takes on the wire: the tensors' data. */
    public static int observationBytes(List<TensorSpec> specs) {
        int n = 0;
        for (TensorSpec s : specs) {
            n += s.size() * elementBytes(dtype(s.dtype()));
        }
        return n;
    }

    /**
     * Splits {@code features} into the spec's tensors, each converted to its dtype.
     *
     * @throws IllegalArgumentException when the length disagrees with the specs or a value does not fit its dtype
     *                                  (uint8 needs integers in [0, 255], int64 integers of magnitude below 2^53)
     */
    public static List<Tensor> encode(List<TensorSpec> specs, double[] features) {
        int total = 0;
        for (TensorSpec s : specs) {
            total += s.size();
        }
        if (features.length != total) {
            throw new IllegalArgumentException("observation has " + features.length + " features; its tensors "
                    + specs + " hold " + total);
        }
        List<Tensor> out = new ArrayList<>(specs.size());
        int offset = 0;
        for (TensorSpec s : specs) {
            DType dtype = dtype(s.dtype());
            int size = s.size();
            ByteBuffer buf = ByteBuffer.allocate(size * elementBytes(dtype)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < size; i++) {
                double v = features[offset + i];
                switch (dtype) {
                    case D_TYPE_UINT8 -> {
                        if (v != Math.rint(v) || v < 0 || v > 255) {
                            throw new IllegalArgumentException("tensor " + s.name() + " is uint8 but element " + i
                                    + " is " + v);
                        }
                        buf.put((byte) (int) v);
                    }
                    case D_TYPE_INT64 -> {
                        if (v != Math.rint(v) || Math.abs(v) >= 0x1p53) {
                            throw new IllegalArgumentException("tensor " + s.name() + " is int64 but element " + i
                                    + " is " + v);
                        }
                        buf.putLong((long) v);
                    }
                    case D_TYPE_FLOAT32 -> buf.putFloat((float) v);
                    default -> buf.putDouble(v);
                }
            }
            offset += size;
            // the buffer is this tensor's alone and never written again, so it is wrapped rather than copied
            Tensor.Builder t = Tensor.newBuilder().setName(s.name()).setDtype(dtype)
                    .setData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(buf.array()));
            for (int d : s.shape()) {
                t.addShape(d);
            }
            out.add(t.build());
        }
        return out;
    }

    /**
     * Concatenates the tensors into one flat feature vector, every element converted to double.
     *
     * @throws IllegalArgumentException when a tensor's data length disagrees with its shape and dtype
     */
    public static double[] decode(List<Tensor> tensors) {
        int total = 0;
        for (Tensor t : tensors) {
            total += elements(t);
        }
        double[] out = new double[total];
        int offset = 0;
        for (Tensor t : tensors) {
            int n = elements(t);
            ByteBuffer buf = t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            switch (t.getDtype()) {
                case D_TYPE_UINT8 -> {
                    for (int i = 0; i < n; i++) {
                        out[offset + i] = buf.get() & 0xff;
                    }
                }
                case D_TYPE_INT64 -> {
                    for (int i = 0; i < n; i++) {
                        out[offset + i] = buf.getLong();
                    }
                }
                case D_TYPE_FLOAT32 -> {
                    for (int i = 0; i < n; i++) {
                        out[offset + i] = buf.getFloat();
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        out[offset + i] = buf.getDouble();
                    }
                }
            }
            offset += n;
        }
        return out;
    }

    private static int elements(Tensor t) {
        long n = 1;
        for (int d : t.getShapeList()) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + t.getName() + " has negative dimension " + d);
            }
            n *= d;
        }
        long expected = n * elementBytes(t.getDtype());
        if (expected != t.getData().size()) {
            throw new IllegalArgumentException("tensor " + t.getName() + " of shape " + t.getShapeList() + " and dtype "
                    + t.getDtype() + " needs " + expected + " bytes but carries " + t.getData().size());
        }
        return (int) n;
    }
}
