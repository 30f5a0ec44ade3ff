package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import org.dirpg.env.TensorSpec;
import org.dirpg.proto.env.v1.DType;
import org.dirpg.proto.env.v1.Tensor;
import org.junit.jupiter.api.Test;

class ProtoTensorsTest {
    private final List<TensorSpec> specs = List.of(
            new TensorSpec("image", new int[] {2, 2}, "uint8"),
            new TensorSpec("direction", new int[] {1}, "int64"),
            new TensorSpec("f32", new int[] {2}, "float32"),
            new TensorSpec("f64", new int[] {1}, "float64"));

    @Test
    void roundTripsEveryDtypeLittleEndian() {
        double[] f = {0, 255, 7, 128, -3, 0.5, -1.25, Math.PI};
        List<Tensor> t = ProtoTensors.encode(specs, f);
        assertArrayEquals(f, ProtoTensors.decode(t));
        assertEquals(ByteString.copyFrom(new byte[] {0, (byte) 255, 7, (byte) 128}), t.get(0).getData());
        assertEquals(ByteString.copyFrom(new byte[] {-3, -1, -1, -1, -1, -1, -1, -1}), t.get(1).getData());
        assertEquals(List.of(2, 2), t.get(0).getShapeList());
        assertEquals(DType.D_TYPE_FLOAT32, t.get(2).getDtype());
        assertEquals(4 + 8 + 8 + 8, ProtoTensors.observationBytes(specs));
    }

    @Test
    void float32RoundsToNearestFloat() {
        double[] f = {0, 0, 0, 0, 0, 0.1, 1e-50, 0.1};
        assertEquals((double) 0.1f, ProtoTensors.decode(ProtoTensors.encode(specs, f))[5]);
    }

    @Test
    void valuesThatDoNotFitTheirDtypeAreNamed() {
        IllegalArgumentException u8 = assertThrows(IllegalArgumentException.class,
                () -> ProtoTensors.encode(specs, new double[] {0, 256, 0, 0, 0, 0, 0, 0}));
        assertTrue(u8.getMessage().contains("tensor image is uint8 but element 1 is 256.0"), u8.getMessage());
        IllegalArgumentException i64 = assertThrows(IllegalArgumentException.class,
                () -> ProtoTensors.encode(specs, new double[] {0, 0, 0, 0, 0.5, 0, 0, 0}));
        assertTrue(i64.getMessage().contains("tensor direction is int64 but element 0 is 0.5"), i64.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> ProtoTensors.encode(specs, new double[3]));
        assertTrue(length.getMessage().contains("observation has 3 features"), length.getMessage());
    }

    @Test
    void dataOfTheWrongLengthIsRejected() {
        Tensor t = Tensor.newBuilder().setName("x").addShape(3).setDtype(DType.D_TYPE_FLOAT32)
                .setData(ByteString.copyFrom(new byte[8])).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProtoTensors.decode(List.of(t)));
        assertTrue(e.getMessage().contains("needs 12 bytes but carries 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProtoTensors.dtype("bool"));
    }
}
