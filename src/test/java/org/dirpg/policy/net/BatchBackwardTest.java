package org.dirpg.policy.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.dirpg.env.classic.Environments;
import org.junit.jupiter.api.Test;

/**
 * The batched backward pass (a convolution gathers its weight gradient over every observation of the batch at once)
 * is the sum of the one-at-a-time passes, up to float rounding, and leaves its inputs as they were.
 */
class BatchBackwardTest {

    @Test
    void aBatchIsTheSumOfItsObservationsOneByOne() {
        NetSpec spec = SpaceNets.paperNetwork(Environments.make("JavaMiniGrid-MultiRoom-N6-v0",
                Map.of("actions", "0,1,2,5")).spec());
        Network net = new Network(spec, NetLayout.of(spec).initialParameters(3));
        SplittableRandom rng = new SplittableRandom(5);
        int batch = 16;
        Network.Activations[] acts = new Network.Activations[batch];
        double[][] dLogits = new double[batch][spec.numActions()];
        float[][][] single = net.newGradient();
        for (int b = 0; b < batch; b++) {
            double[] features = new double[148];
            for (int i = 0; i < 147; i++) {
                features[i] = rng.nextInt(3) == 0 ? 0 : rng.nextInt(11); // MiniGrid views have zeros to skip
            }
            features[147] = rng.nextInt(4);
            for (int a = 0; a < 4; a++) {
                dLogits[b][a] = rng.nextGaussian();
            }
            acts[b] = net.forward(features);
            net.backward(acts[b], dLogits[b], single);
        }
        for (int pass = 0; pass < 2; pass++) { // the second pass sees the activations the first one left
            float[][][] batched = net.newGradient();
            net.backward(acts, dLogits, batched);
            double[] a = new double[NetLayout.of(spec).size()];
            double[] b = new double[a.length];
            net.scatter(single, a);
            net.scatter(batched, b);
            double scale = 0;
            int nonZero = 0;
            for (double v : a) {
                scale = Math.max(scale, Math.abs(v));
                nonZero += v != 0 ? 1 : 0;
            }
            assertTrue(nonZero > a.length / 2, "most coordinates have a gradient (" + nonZero + ")");
            for (int k = 0; k < a.length; k++) {
                // float sums of up to a few hundred terms grouped differently: a few ulps of the largest coordinate
                assertEquals(a[k], b[k], 1e-5 * scale, "pass " + pass + ", coordinate " + k);
            }
        }
    }
}
