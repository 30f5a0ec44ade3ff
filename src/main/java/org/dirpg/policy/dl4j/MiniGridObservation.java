package org.dirpg.policy.dl4j;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MiniGrid observation layout, the contract with the remote environment, and its conversion into the
 * network's two inputs.
 *
 * <p>{@code State.features()} is a flat vector of {@value #FEATURE_LENGTH} values: MiniGrid's {@code image}
 * (uint8, shape (7, 7, 3), indexed [x][y][channel] with channels (object, colour, state)) flattened row-major,
 * i.e. value (x, y, c) at {@code (x * 7 + y) * 3 + c}, followed by the {@code direction} scalar in 0..3.
 * The network receives the image as an NCHW tensor [batch, channel, x, y] and the direction one-hot encoded.
 */
public final class MiniGridObservation {
    /** The side of the agent's egocentric view. */
    public static final int VIEW_SIZE = 7;
    /** Channels per cell: object, colour, state. */
    public static final int CHANNELS = 3;
    /** The number of image values, 7 * 7 * 3. */
    public static final int IMAGE_LENGTH = VIEW_SIZE * VIEW_SIZE * CHANNELS;
    /** The number of agent directions (0 right, 1 down, 2 left, 3 up). */
    public static final int NUM_DIRECTIONS = 4;
    /** The length of a feature vector: the image followed by the direction. */
    public static final int FEATURE_LENGTH = IMAGE_LENGTH + 1;

    private MiniGridObservation() {
    }

    /** The index in a feature vector of image value (x, y, channel). */
    public static int featureIndex(int x, int y, int channel) {
        return (x * VIEW_SIZE + y) * CHANNELS + channel;
    }

    /**
     * Converts feature vectors into the network inputs {image [n, 3, 7, 7], direction one-hot [n, 4]}.
     *
     * @throws IllegalArgumentException when a vector has the wrong length, a non-finite value, or a direction that
     *                                  is not an integer in 0..3
     */
    public static INDArray[] toInputs(List<double[]> features, DataType dataType) {
        int n = features.size();
        if (n == 0) {
            throw new IllegalArgumentException("no observations to encode: the batch must hold at least one state");
        }
        int plane = VIEW_SIZE * VIEW_SIZE;
        double[] image = new double[n * IMAGE_LENGTH];
        double[] direction = new double[n * NUM_DIRECTIONS];
        for (int i = 0; i < n; i++) {
            double[] f = features.get(i);
            if (f.length != FEATURE_LENGTH) {
                throw new IllegalArgumentException("observation " + i + " has " + f.length + " features, expected "
                        + FEATURE_LENGTH + " (MiniGrid image 7x7x3 flattened [x][y][channel], then direction)");
            }
            int base = i * IMAGE_LENGTH;
            for (int x = 0; x < VIEW_SIZE; x++) {
                for (int y = 0; y < VIEW_SIZE; y++) {
                    for (int c = 0; c < CHANNELS; c++) {
                        double v = f[featureIndex(x, y, c)];
                        if (!Double.isFinite(v)) {
                            throw new IllegalArgumentException("observation " + i + " has a non-finite image value "
                                    + v + " at (x=" + x + ", y=" + y + ", channel=" + c + ")");
                        }
                        image[base + c * plane + x * VIEW_SIZE + y] = v;
                    }
                }
            }
            double d = f[IMAGE_LENGTH];
            if (!(d == 0 || d == 1 || d == 2 || d == 3)) {
                throw new IllegalArgumentException("observation " + i + " has direction " + d
                        + ", expected an integer in 0..3");
            }
            direction[i * NUM_DIRECTIONS + (int) d] = 1.0;
        }
        INDArray imageArray = Nd4j.create(image, new long[] {n, CHANNELS, VIEW_SIZE, VIEW_SIZE}, 'c');
        INDArray directionArray = Nd4j.create(direction, new long[] {n, NUM_DIRECTIONS}, 'c');
        if (imageArray.dataType() != dataType) {
            imageArray = imageArray.castTo(dataType);
            directionArray = directionArray.castTo(dataType);
        }
        return new INDArray[] {imageArray, directionArray};
    }
}
