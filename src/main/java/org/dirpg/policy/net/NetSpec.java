package org.dirpg.policy.net;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.Space;

/**
 * A policy network's architecture, built from the observation spaces ({@link SpaceNets}): how each observation part
 * is read ({@link Encoding}), the CNN of each image part, the hidden layers after the parts are concatenated, and the
 * linear head to the logits (masked to the legal actions by the policy). Both the plain-array {@link Network} and the
 * DL4J {@code ComputationGraph} of {@code org.dirpg.policy.dl4j.NetGraphs} are built from it, with the same parameter
 * layout ({@link NetLayout}).
 *
 * <p>The concatenation is [CNN features of each image part, in observation order; then every other part's encoding,
 * in observation order]. With the paper's CNN and no hidden layers this is the MiniGrid network of App. C.3.
 *
 * @param kind    the policy kind the user asked for, resolved (mlp, cnn, multi, linear)
 * @param inputs  one per observation part, in the spec's order
 * @param hidden  widths of the hidden dense layers after the concatenation (SB3's {@code net_arch}); may be empty
 * @param hiddenActivation the hidden layers' activation
 * @param numActions the number of logits
 */
public record NetSpec(String kind, List<Input> inputs, List<Integer> hidden, Activation hiddenActivation,
                      int numActions) {

    public NetSpec {
        inputs = List.copyOf(inputs);
        hidden = List.copyOf(hidden);
        for (int width : hidden) {
            if (width < 1) {
                throw new IllegalArgumentException("hidden layer widths must be >= 1, got " + hidden);
            }
        }
    }

    /** How one observation part is read. */
    public sealed interface Encoding permits Raw, Scaled, OneHot, Image {
        /** Its width in the concatenated vector (0 for an image, which goes through its CNN instead). */
        int width(int size);
    }

    /** Values as they are: MultiBinary parts and unbounded Boxes. */
    public record Raw() implements Encoding {
        @Override
        public int width(int size) {
            return size;
        }
    }

    /** A Box scaled to [-1, 1] by its bounds, element by element; an unbounded element is read as it is. */
    public record Scaled(Space.Box box) implements Encoding {
        @Override
        public int width(int size) {
            return size;
        }
    }

    /** Discrete (nvec = {n}) and MultiDiscrete parts: one one-hot block per element. */
    public record OneHot(long[] nvec, long[] start) implements Encoding {
        @Override
        public int width(int size) {
            long w = 0;
            for (long n : nvec) {
                w += n;
            }
            return Math.toIntExact(w);
        }
    }

    /**
     * An image part read as [h][w][c] (transposed from [c][h][w] when {@code channelsFirst}) and, when {@code scaled},
     * mapped to [0, 1] by its bounds (/255 for uint8 pixels), then through {@code cnn}.
     */
    public record Image(int h, int w, int c, boolean channelsFirst, Space.Box box, boolean scaled, Cnn cnn)
            implements Encoding {
        @Override
        public int width(int size) {
            return 0;
        }
    }

    /** One observation part: its name, where its values start in the feature vector, how many there are, how read. */
    public record Input(String name, int offset, int size, Encoding encoding) {
    }

    /** One convolution: kernel x kernel, stride, output channels, activation. */
    public record Conv(int kernel, int stride, int channels, Activation activation) {
    }

    /**
     * A CNN: convolutions without padding, flattened, then an optional dense layer of {@code dense} units with ReLU
     * (NatureCNN's 512; 0 for none). {@code name} is the preset it came from, or its own text.
     */
    public record Cnn(String name, List<Conv> convs, int dense) {
        public Cnn {
            convs = List.copyOf(convs);
        }
    }

    /** The width of the concatenated vector: every CNN's output, then every other part's encoding. */
    public int concatWidth() {
        int n = 0;
        for (Input in : inputs) {
            n += in.encoding() instanceof Image im ? cnnOutput(im) : in.encoding().width(in.size());
        }
        return n;
    }

    /** The number of features an image part's CNN produces. */
    public static int cnnOutput(Image im) {
        int h = im.h();
        int w = im.w();
        int c = im.c();
        for (Conv conv : im.cnn().convs()) {
            h = (h - conv.kernel()) / conv.stride() + 1;
            w = (w - conv.kernel()) / conv.stride() + 1;
            c = conv.channels();
        }
        return im.cnn().dense() > 0 ? im.cnn().dense() : h * w * c;
    }

    /** The image inputs, in observation order. */
    public List<Input> images() {
        List<Input> out = new ArrayList<>();
        for (Input in : inputs) {
            if (in.encoding() instanceof Image) {
                out.add(in);
            }
        }
        return out;
    }

    /** The width of the vector of non-image parts. */
    public int vectorWidth() {
        int n = 0;
        for (Input in : inputs) {
            n += in.encoding().width(in.size());
        }
        return n;
    }
}
