package org.dirpg.policy.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.Space;
import org.dirpg.env.TensorSpec;
import org.dirpg.policy.net.NetLayout;
import org.dirpg.policy.net.NetSpec;
import org.dirpg.policy.net.Network;
import org.dirpg.policy.net.SpaceNets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The plain-array networks against DL4J, the reference: the parameter layout by probing, the forward pass and the
 * gradient within float tolerance, and DL4J's own gradient against central finite differences in DOUBLE, for every
 * layer kind (dense with tanh and relu, conv with stride, flatten, concat, one-hot, scaling) and multi-input nets.
 */
class NetGraphsTest {

    /** The architectures under test, each with a feature generator that stays inside its spaces. */
    private record Case(String name, NetSpec spec, java.util.function.Function<SplittableRandom, double[]> features) {
    }

    private static EnvironmentSpec env(int actions, TensorSpec... parts) {
        return new EnvironmentSpec("Test-v0", actions, List.of(parts), false, -1, 1);
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // the paper's MiniGrid network: image 7x7x3 uint8 through the paper CNN, direction Discrete(4) one-hot
        EnvironmentSpec minigrid = env(7, new TensorSpec("image", new int[] {7, 7, 3}, "uint8", Space.Box.uniform(0, 255)),
                new TensorSpec("direction", new int[0], "int64", new Space.Discrete(4)));
        cases.add(new Case("paper", SpaceNets.build(minigrid, "auto", null, null), r -> {
            double[] f = new double[148];
            for (int i = 0; i < 147; i++) {
                f[i] = r.nextInt(4) == 0 ? 0 : r.nextInt(11);
            }
            f[147] = r.nextInt(4);
            return f;
        }));
        // CartPole-like: a Box with two bounded and two unbounded elements, MLP 64,64 tanh
        Space.Box cart = new Space.Box(new double[] {-4.8, Double.NEGATIVE_INFINITY, -0.42, Double.NEGATIVE_INFINITY},
                new double[] {4.8, Double.POSITIVE_INFINITY, 0.42, Double.POSITIVE_INFINITY}, null);
        cases.add(new Case("mlp-box", SpaceNets.build(env(2, new TensorSpec("obs", new int[] {4}, "float32", cart)),
                "auto", null, null), r -> new double[] {r.nextDouble(-4, 4), r.nextGaussian(), r.nextDouble(-0.4, 0.4),
                r.nextGaussian()}));
        // multi-input: a small [0, 1] image through a strided custom CNN, a Discrete(5) starting at 2, a
        // MultiDiscrete, a MultiBinary part; relu hidden layers
        Space.Box unit = new Space.Box(new double[] {0}, new double[] {1}, Boolean.TRUE);
        EnvironmentSpec multi = env(5,
                new TensorSpec("grid", new int[] {7, 7, 2}, "float32", unit),
                new TensorSpec("mode", new int[0], "int64", new Space.Discrete(5, 2)),
                new TensorSpec("counts", new int[] {3}, "int64", new Space.MultiDiscrete(new long[] {2, 3, 4}, null)),
                new TensorSpec("flags", new int[] {2}, "int8", new Space.MultiBinary()));
        cases.add(new Case("multi", SpaceNets.build(multi, "multi", "16,8:relu", "3x3/2:4,6"), r -> {
            double[] f = new double[98 + 1 + 3 + 2];
            for (int i = 0; i < 98; i++) {
                f[i] = r.nextDouble();
            }
            f[98] = 2 + r.nextInt(5);
            f[99] = r.nextInt(2);
            f[100] = r.nextInt(3);
            f[101] = r.nextInt(4);
            f[102] = r.nextInt(2);
            f[103] = r.nextInt(2);
            return f;
        }));
        // two images, one channels-first, and a NatureCNN-style dense layer after a CNN
        EnvironmentSpec two = env(3,
                new TensorSpec("left", new int[] {2, 8, 8}, "uint8", Space.Box.uniform(0, 255)),
                new TensorSpec("right", new int[] {5, 5, 1}, "uint8", new Space.Box(new double[] {0}, new double[] {255},
                        Boolean.TRUE)));
        cases.add(new Case("two-images", SpaceNets.build(two, "cnn", "12", "3x3:3"), r -> {
            double[] f = new double[128 + 25];
            for (int i = 0; i < f.length; i++) {
                f[i] = r.nextInt(256);
            }
            return f;
        }));
        return cases;
    }

    @Test
    void layoutIsDl4jsOwnByProbing() {
        for (Case c : cases()) {
            NetLayout layout = NetLayout.of(c.spec);
            ComputationGraph graph = NetGraphs.create(c.spec, null, DataType.DOUBLE);
            assertEquals(layout.size(), graph.numParams(), c.name + ": parameter count");
            long n = graph.numParams();
            graph.setParams(Nd4j.arange(n).castTo(DataType.DOUBLE).reshape(1, n));
            for (NetLayout.ParamLayer l : layout.layers()) {
                INDArray w = graph.getLayer(l.name()).getParam("W");
                INDArray b = graph.getLayer(l.name()).getParam("b");
                int[] index = l.index();
                int k = 0;
                if (l.conv()) {
                    for (int kh = 0; kh < l.kernel(); kh++) {
                        for (int kw = 0; kw < l.kernel(); kw++) {
                            for (int ch = 0; ch < l.in(); ch++) {
                                for (int o = 0; o < l.out(); o++) {
                                    assertEquals(w.getDouble(o, ch, kh, kw), index[k++], c.name + " " + l.name());
                                }
                            }
                        }
                    }
                } else {
                    for (int i = 0; i < l.in(); i++) {
                        for (int o = 0; o < l.out(); o++) {
                            assertEquals(w.getDouble(i, o), index[k++], c.name + " " + l.name());
                        }
                    }
                }
                double[] bias = b.dup('c').reshape(-1).toDoubleVector();
                for (double v : bias) {
                    assertEquals(v, index[k++], c.name + " " + l.name() + " bias");
                }
            }
        }
    }

    @Test
    void forwardEqualsDl4jInFloat() {
        for (Case c : cases()) {
            SplittableRandom r = new SplittableRandom(11);
            double[] theta = perturbed(c.spec, 3);
            Network net = new Network(c.spec, theta);
            ComputationGraph graph = NetGraphs.create(c.spec, theta, DataType.FLOAT);
            List<double[]> features = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                features.add(c.features.apply(r));
            }
            double[][] expected = NetGraphs.logits(graph, c.spec, features);
            for (int i = 0; i < features.size(); i++) {
                double[] logits = new double[c.spec.numActions()];
                net.logits(features.get(i), logits);
                for (int a = 0; a < logits.length; a++) {
                    assertEquals(expected[i][a], logits[a], 1e-4 * (1 + Math.abs(expected[i][a])), c.name + " logit");
                }
            }
        }
    }

    @Test
    void gradientEqualsDl4jAndDl4jEqualsFiniteDifferences() {
        for (Case c : cases()) {
            SplittableRandom r = new SplittableRandom(5);
            double[] theta = perturbed(c.spec, 9);
            List<double[]> features = new ArrayList<>();
            double[][] dLogits = new double[6][c.spec.numActions()];
            for (int i = 0; i < 6; i++) {
                features.add(c.features.apply(r));
                for (int a = 0; a < c.spec.numActions(); a++) {
                    dLogits[i][a] = r.nextGaussian();
                }
            }
            ComputationGraph graph = NetGraphs.create(c.spec, theta, DataType.DOUBLE);
            double[] reference = NetGraphs.gradient(graph, c.spec, features, dLogits);
            // the plain-array float gradient against DL4J's
            Network net = new Network(c.spec, theta);
            float[][][] grads = net.newGradient();
            for (int i = 0; i < features.size(); i++) {
                net.backward(features.get(i), dLogits[i], grads);
            }
            double[] plain = new double[theta.length];
            net.scatter(grads, plain);
            double scale = 0;
            int nonZero = 0;
            for (double v : reference) {
                scale = Math.max(scale, Math.abs(v));
                nonZero += v != 0 ? 1 : 0;
            }
            assertTrue(nonZero > theta.length / 2, c.name + ": most coordinates have a gradient (" + nonZero + ")");
            for (int k = 0; k < theta.length; k++) {
                assertEquals(reference[k], plain[k], 2e-4 * scale, c.name + " coordinate " + k);
            }
            // DL4J's gradient against central differences of sum_i dLogits_i . logits_i in DOUBLE, on 40 coordinates
            SplittableRandom pick = new SplittableRandom(7);
            for (int t = 0; t < 40; t++) {
                int k = pick.nextInt(theta.length);
                double h = 1e-6;
                double[] plus = theta.clone();
                plus[k] += h;
                double[] minus = theta.clone();
                minus[k] -= h;
                double fd = (surrogate(c.spec, plus, features, dLogits) - surrogate(c.spec, minus, features, dLogits))
                        / (2 * h);
                assertEquals(fd, reference[k], 1e-5 * (1 + Math.abs(fd)), c.name + " finite difference at " + k);
            }
        }
    }

    private static double surrogate(NetSpec spec, double[] theta, List<double[]> features, double[][] dLogits) {
        double[][] logits = NetGraphs.logits(NetGraphs.create(spec, theta, DataType.DOUBLE), spec, features);
        double s = 0;
        for (int i = 0; i < logits.length; i++) {
            for (int a = 0; a < logits[i].length; a++) {
                s += dLogits[i][a] * logits[i][a];
            }
        }
        return s;
    }

    /** The seed's initial theta with non-zero biases, so every parameter kind is exercised. */
    private static double[] perturbed(NetSpec spec, long seed) {
        double[] theta = NetLayout.of(spec).initialParameters(seed);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) (theta[i] + 0.05 * r.nextGaussian());
        }
        return theta;
    }

    @Test
    void paperNetworkHasThePapersShape() {
        NetSpec paper = cases().get(0).spec;
        ComputationGraph graph = NetGraphs.create(paper, null, DataType.FLOAT);
        // App. C.3: 3x3 convolutions 3 -> 32 -> 48 -> 64 (7x7 -> 5x5 -> 3x3 -> 1x1), concat one-hot direction, 68 -> 7
        assertArrayEquals(new long[] {32, 3, 3, 3}, graph.getLayer("conv1").getParam("W").shape());
        assertArrayEquals(new long[] {48, 32, 3, 3}, graph.getLayer("conv2").getParam("W").shape());
        assertArrayEquals(new long[] {64, 48, 3, 3}, graph.getLayer("conv3").getParam("W").shape());
        assertArrayEquals(new long[] {68, 7}, graph.getLayer("logits").getParam("W").shape());
        assertEquals(42_963, NetLayout.of(paper).size());
        assertEquals("policy: multi (image image 7x7x3 unscaled -> paper conv 3x3/1 32 relu, 3x3/1 48 relu, 3x3/1 64; "
                + "direction one-hot 4) -> 7 logits, 42,963 parameters", SpaceNets.describe(paper));
        // the initial weights are U(-1/sqrt(fanIn), 1/sqrt(fanIn)), biases 0, a function of the seed alone
        double[] theta = NetLayout.of(paper).initialParameters(1);
        assertArrayEquals(theta, NetLayout.of(paper).initialParameters(1));
        NetLayout.ParamLayer conv1 = NetLayout.of(paper).layer("conv1");
        for (int i : conv1.index()) {
            assertTrue(Math.abs(theta[i]) <= 1 / Math.sqrt(27) + 1e-7);
        }
    }

    @Test
    void exportWritesAGraphDl4jRestoresWithTheSameOutputs(@TempDir Path dir) throws Exception {
        Case c = cases().get(2);
        double[] theta = perturbed(c.spec, 4);
        Path file = dir.resolve("policy.zip");
        NetGraphs.export(c.spec, theta, file);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file.toFile(), false);
        SplittableRandom r = new SplittableRandom(1);
        List<double[]> features = List.of(c.features.apply(r), c.features.apply(r));
        double[][] got = NetGraphs.logits(restored, c.spec, features);
        Network net = new Network(c.spec, theta);
        for (int i = 0; i < features.size(); i++) {
            double[] logits = new double[c.spec.numActions()];
            net.logits(features.get(i), logits);
            for (int a = 0; a < logits.length; a++) {
                assertEquals(got[i][a], logits[a], 1e-4 * (1 + Math.abs(logits[a])));
            }
        }
    }
}
