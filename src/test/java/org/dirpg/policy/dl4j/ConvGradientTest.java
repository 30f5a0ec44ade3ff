package org.dirpg.policy.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.classic.Environments;
import org.dirpg.policy.WeightedStep;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The plain-array backward pass ({@link ConvGradient} in DL4J's layout, {@link ParameterLayout}) against DL4J's own
 * back-propagation of the same surrogate, coordinate by coordinate, in float and against the double-precision graph.
 */
class ConvGradientTest {

    /** Signed weights on random and real MultiRoom observations, with repeated observations (grouped by the fast path). */
    private static List<WeightedStep> steps(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<WeightedStep> out = new ArrayList<>();
        Environment twin = Environments.make("JavaMiniGrid-MultiRoom-N6-v0");
        State s = twin.reset(seed);
        for (int i = 0; i < n; i++) {
            long legal = s.legalActions();
            int a = rng.nextInt(7);
            while ((legal >>> a & 1) == 0) {
                a = rng.nextInt(7);
            }
            out.add(new WeightedStep(s, a, rng.nextGaussian() * 3));
            State t = twin.step(s, a).next();
            s = t.isTerminal() ? twin.reset(seed + i + 1) : t;
            if (i % 4 == 0) {
                State r = MiniGridTestStates.random(rng, (1L << 7) - 1);
                out.add(new WeightedStep(r, rng.nextInt(7), rng.nextGaussian()));
            }
        }
        return out;
    }

    private static MiniGridConvPolicy perturbed(DataType type, double[] theta) {
        MiniGridConvPolicy p = new MiniGridConvPolicy(21, type);
        p.setParameters(theta);
        return p;
    }

    private static double[] genericTheta() {
        double[] theta = new MiniGridConvPolicy(21, DataType.DOUBLE).parameters();
        SplittableRandom rng = new SplittableRandom(22);
        for (int k = 0; k < theta.length; k++) {
            theta[k] += 0.05 * rng.nextGaussian(); // non-zero biases, generic weights
        }
        return theta;
    }

    private static double worstRelative(double[] fast, double[] reference) {
        double scale = 0;
        for (double v : reference) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int k = 0; k < fast.length; k++) {
            worst = Math.max(worst, Math.abs(fast[k] - reference[k]) / scale);
        }
        return worst;
    }

    @Test
    void gradientEqualsDl4jsInFloatAndDouble() {
        double[] theta = genericTheta();
        List<WeightedStep> steps = steps(300, 5);
        MiniGridConvPolicy floatPolicy = perturbed(DataType.FLOAT, theta);
        double[] fast = new double[floatPolicy.numParameters()];
        floatPolicy.addGradient(steps, fast);
        double[] graphFloat = new double[fast.length];
        floatPolicy.graphGradient(steps, graphFloat);
        double[] graphDouble = new double[fast.length];
        perturbed(DataType.DOUBLE, theta).addGradient(steps, graphDouble);

        // Every coordinate is touched (a wrong layout or a dropped term shows up as an O(1) relative difference).
        int nonZero = 0;
        for (double v : graphDouble) {
            nonZero += v != 0 ? 1 : 0;
        }
        assertTrue(nonZero > fast.length * 0.9, nonZero + " of " + fast.length + " gradient coordinates non-zero");
        // Float sums of ~10^3 products in different orders: agreement to a few 1e-6 of the largest coordinate.
        double vsFloat = worstRelative(fast, graphFloat);
        double vsDouble = worstRelative(fast, graphDouble);
        assertTrue(vsFloat < 2e-5, "worst difference from DL4J float, relative to the largest coordinate: " + vsFloat);
        assertTrue(vsDouble < 2e-5, "worst difference from DL4J double: " + vsDouble);
    }

    @Test
    void groupingRepeatedObservationsChangesNothingButRounding() {
        double[] theta = genericTheta();
        MiniGridConvPolicy policy = perturbed(DataType.FLOAT, theta);
        List<WeightedStep> steps = steps(120, 9);
        List<WeightedStep> doubled = new ArrayList<>(steps);
        doubled.addAll(steps);
        double[] once = new double[policy.numParameters()];
        policy.addGradient(steps, once);
        double[] twice = new double[once.length];
        policy.addGradient(doubled, twice);
        double[] separately = new double[once.length];
        for (WeightedStep s : steps) {
            policy.addGradient(List.of(s), separately);
        }
        double[] onceTwice = once.clone();
        for (int k = 0; k < once.length; k++) {
            onceTwice[k] *= 2;
        }
        // Float accumulation in another order: relative to the largest coordinate, as against DL4J above.
        double doubledDiff = worstRelative(twice, onceTwice);
        double separateDiff = worstRelative(separately, once);
        assertTrue(doubledDiff < 2e-5, "repeating every step twice: " + doubledDiff);
        assertTrue(separateDiff < 2e-5, "one call per step: " + separateDiff);
    }

    @Test
    void layoutCoversEveryParameterOnce() {
        ParameterLayout layout = ParameterLayout.MINIGRID;
        boolean[] seen = new boolean[layout.size];
        int count = 0;
        List<int[]> all = new ArrayList<>(List.of(layout.convWeights));
        all.addAll(List.of(layout.convBiases));
        all.add(layout.denseWeights);
        all.add(layout.denseBiases);
        for (int[] part : all) {
            for (int i : part) {
                assertTrue(!seen[i], "index " + i + " appears twice");
                seen[i] = true;
                count++;
            }
        }
        assertEquals(layout.size, count);
        assertEquals(new MiniGridConvPolicy(1).numParameters(), layout.size);
    }
}
