package org.dirpg.policy.net;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where every weight of a {@link NetSpec} sits in the flat theta, which is DL4J's own parameter vector for the same
 * architecture (so a theta moves between the plain-array network and the {@code ComputationGraph} unchanged, and the
 * paper's MiniGrid checkpoints keep their meaning). DL4J lays the layers out in graph order; within a layer a
 * convolution stores its bias first, then W [out][in][kh][kw] in row-major order, and a dense layer stores W [in][out]
 * in column-major order, then its bias. The tests hold this against DL4J by probing (theta = 0, 1, 2, ...).
 *
 * <p>The layers, in order: for each image part, its convolutions ({@code conv1, conv2, ...}; prefixed by the part's
 * name when there are several images) and its optional dense layer; then the hidden layers ({@code hidden1, ...});
 * then the head ({@code logits}).
 */
public final class NetLayout {
    /** One layer that owns parameters: its DL4J name, shape and first index in theta. */
    public record ParamLayer(String name, boolean conv, int in, int out, int kernel, int start) {
        /** The number of parameters. */
        public int size() {
            return (conv ? in * kernel * kernel * out : in * out) + out;
        }

        /** Theta indices in the plain-array layer's own order (W as {@link Conv2d} or {@link Dense} stores it, then b). */
        public int[] index() {
            int[] index = new int[size()];
            int k = 0;
            if (conv) {
                for (int kh = 0; kh < kernel; kh++) {
                    for (int kw = 0; kw < kernel; kw++) {
                        for (int c = 0; c < in; c++) {
                            for (int o = 0; o < out; o++) {
                                index[k++] = start + out + ((o * in + c) * kernel + kh) * kernel + kw;
                            }
                        }
                    }
                }
                for (int o = 0; o < out; o++) {
                    index[k++] = start + o;
                }
            } else {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        index[k++] = start + i + o * in;
                    }
                }
                for (int o = 0; o < out; o++) {
                    index[k++] = start + in * out + o;
                }
            }
            return index;
        }

        /** Theta indices of W in DL4J's logical row-major order ([out][in][kh][kw] or [in][out]). */
        int[] logicalWeights() {
            int n = size() - out;
            int[] index = new int[n];
            if (conv) {
                for (int i = 0; i < n; i++) {
                    index[i] = start + out + i;
                }
            } else {
                int k = 0;
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        index[k++] = start + i + o * in;
                    }
                }
            }
            return index;
        }
    }

    private final List<ParamLayer> layers;
    private final int size;

    private NetLayout(List<ParamLayer> layers, int size) {
        this.layers = List.copyOf(layers);
        this.size = size;
    }

    /** The layout of {@code spec}. */
    public static NetLayout of(NetSpec spec) {
        List<ParamLayer> layers = new ArrayList<>();
        int at = 0;
        List<NetSpec.Input> images = spec.images();
        for (NetSpec.Input input : images) {
            NetSpec.Image im = (NetSpec.Image) input.encoding();
            String prefix = images.size() == 1 ? "" : input.name() + "_";
            int h = im.h();
            int w = im.w();
            int c = im.c();
            int k = 1;
            for (NetSpec.Conv conv : im.cnn().convs()) {
                ParamLayer l = new ParamLayer(prefix + "conv" + k++, true, c, conv.channels(), conv.kernel(), at);
                layers.add(l);
                at += l.size();
                h = (h - conv.kernel()) / conv.stride() + 1;
                w = (w - conv.kernel()) / conv.stride() + 1;
                c = conv.channels();
            }
            if (im.cnn().dense() > 0) {
                ParamLayer l = new ParamLayer(prefix + "dense", false, h * w * c, im.cnn().dense(), 1, at);
                layers.add(l);
                at += l.size();
            }
        }
        int width = spec.concatWidth();
        int k = 1;
        for (int hidden : spec.hidden()) {
            ParamLayer l = new ParamLayer("hidden" + k++, false, width, hidden, 1, at);
            layers.add(l);
            at += l.size();
            width = hidden;
        }
        ParamLayer head = new ParamLayer("logits", false, width, spec.numActions(), 1, at);
        layers.add(head);
        at += head.size();
        return new NetLayout(layers, at);
    }

    /** The layers with parameters, in theta order. */
    public List<ParamLayer> layers() {
        return layers;
    }

    /** The layer named {@code name}. */
    public ParamLayer layer(String name) {
        for (ParamLayer l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no layer '" + name + "' in this network");
    }

    /** The length of theta. */
    public int size() {
        return size;
    }

    /**
     * The initial theta, a function of {@code seed} alone: layer by layer in order, W ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn))
     * drawn in DL4J's logical row-major order (PyTorch's default initialisation, as the authors' network had), biases 0.
     * For the paper's MiniGrid network this is the theta the earlier dedicated MiniGrid class drew (same order, same
     * generator), so a seed starts the README's MiniGrid run where it started before.
     */
    public double[] initialParameters(long seed) {
        double[] theta = new double[size];
        SplittableRandom rng = new SplittableRandom(seed ^ 0x6C8E9CF570932BD5L);
        for (ParamLayer l : layers) {
            int fanIn = l.conv() ? l.in() * l.kernel() * l.kernel() : l.in();
            double limit = 1.0 / Math.sqrt(fanIn);
            for (int i : l.logicalWeights()) {
                theta[i] = (float) ((2 * rng.nextDouble() - 1) * limit);
            }
        }
        return theta;
    }
}
