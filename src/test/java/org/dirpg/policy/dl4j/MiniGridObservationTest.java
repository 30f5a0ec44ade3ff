package org.dirpg.policy.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class MiniGridObservationTest {

    @Test
    void imageGoesToChannelXYAndDirectionIsOneHot() {
        double[] a = new double[MiniGridObservation.FEATURE_LENGTH];
        double[] b = new double[MiniGridObservation.FEATURE_LENGTH];
        for (int i = 0; i < MiniGridObservation.IMAGE_LENGTH; i++) {
            a[i] = i;
            b[i] = 1000 + i;
        }
        a[MiniGridObservation.IMAGE_LENGTH] = 2;
        b[MiniGridObservation.IMAGE_LENGTH] = 0;
        INDArray[] inputs = MiniGridObservation.toInputs(List.of(a, b), DataType.DOUBLE);
        assertArrayEquals(new long[] {2, 3, 7, 7}, inputs[0].shape());
        for (int x = 0; x < 7; x++) {
            for (int y = 0; y < 7; y++) {
                for (int c = 0; c < 3; c++) {
                    int k = (x * 7 + y) * 3 + c;
                    assertEquals(k, MiniGridObservation.featureIndex(x, y, c));
                    assertEquals(a[k], inputs[0].getDouble(0, c, x, y));
                    assertEquals(b[k], inputs[0].getDouble(1, c, x, y));
                }
            }
        }
        assertArrayEquals(new double[] {0, 0, 1, 0}, inputs[1].getRow(0).toDoubleVector());
        assertArrayEquals(new double[] {1, 0, 0, 0}, inputs[1].getRow(1).toDoubleVector());
        INDArray[] asFloat = MiniGridObservation.toInputs(List.of(a), DataType.FLOAT);
        assertEquals(DataType.FLOAT, asFloat[0].dataType());
        assertEquals(DataType.FLOAT, asFloat[1].dataType());
    }

    @Test
    void rejectsMalformedObservations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MiniGridObservation.toInputs(List.of(new double[147]), DataType.FLOAT));
        assertTrue(e.getMessage().contains("has 147 features, expected 148"), e.getMessage());
        double[] f = new double[148];
        f[147] = 4;
        e = assertThrows(IllegalArgumentException.class, () -> MiniGridObservation.toInputs(List.of(f), DataType.FLOAT));
        assertTrue(e.getMessage().contains("direction 4.0, expected an integer in 0..3"), e.getMessage());
        f[147] = 1.5;
        assertThrows(IllegalArgumentException.class, () -> MiniGridObservation.toInputs(List.of(f), DataType.FLOAT));
        f[147] = 0;
        f[MiniGridObservation.featureIndex(2, 3, 1)] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> MiniGridObservation.toInputs(List.of(f), DataType.FLOAT));
        assertTrue(e.getMessage().contains("(x=2, y=3, channel=1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MiniGridObservation.toInputs(List.of(), DataType.FLOAT));
        assertTrue(e.getMessage().contains("at least one state"), e.getMessage());
    }
}
