package org.dirpg.policy.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.Space;
import org.dirpg.env.TensorSpec;

/**
 * Builds a policy network's architecture from the observation spaces, one small rule per space kind, after
 * Stable-Baselines3's {@code preprocess_obs} and feature extractors:
 * <ul>
 *   <li>{@code Discrete} and {@code MultiDiscrete}: one-hot;</li>
 *   <li>{@code MultiBinary}: 0/1 as it is;</li>
 *   <li>a bounded {@code Box}: scaled to [-1, 1] (element by element; unbounded elements as they are);</li>
 *   <li>an image {@code Box} (the env's say, else uint8 with three dimensions and bounds [0, 255]): a CNN, by
 *       default the paper's 3x3 convolutions for inputs under 32 x 32 ({@link #PAPER_CNN}, which reads the image
 *       unscaled, as the authors' network did) and a NatureCNN for larger ones ({@link #NATURE_CNN}, on pixels / 255);</li>
 *   <li>the parts concatenated, then hidden layers ({@code --net}, default 64,64 tanh without a CNN and none with
 *       one, as SB3's defaults), then a linear head to the logits.</li>
 * </ul>
 * The policy kind: {@code mlp} flattens every part (images too, scaled) into the vector; {@code cnn} and
 * {@code multi} put images through CNNs; {@code linear} is {@code mlp} without hidden layers; {@code auto} is
 * {@code multi} when some part is an image and {@code mlp} otherwise. Nothing here looks at the environment's id.
 */
public final class SpaceNets {
    /** The paper's MiniGrid CNN (App. C.3): 3x3 convolutions 32, 48, 64, ReLU after the first two, input unscaled. */
    public static final String PAPER_CNN = "paper";
    /** Mnih et al.'s CNN as SB3's NatureCNN: 8x8/4 32, 4x4/2 64, 3x3/1 64 with ReLU, dense 512 ReLU, pixels / 255. */
    public static final String NATURE_CNN = "nature";
    /** Images at least this large on both sides get the NatureCNN by default. */
    public static final int LARGE_IMAGE = 32;
    /** The policy kinds {@link #build} accepts. */
    public static final List<String> KINDS = List.of("auto", "mlp", "cnn", "multi", "linear");

    private SpaceNets() {
    }

    /**
     * The architecture of a {@code kind} policy for {@code spec}.
     *
     * @param net hidden widths as {@code "64,64"} (optionally {@code ":relu"} or {@code ":tanh"}), {@code "none"} for
     *            none, or null for the default
     * @param cnn {@code "paper"}, {@code "nature"}, {@code "KxK[/S]:c1,c2,..."} (ReLU after each, input scaled), or
     *            null for the default by image size
     */
    public static NetSpec build(EnvironmentSpec spec, String kind, String net, String cnn) {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown network policy kind '" + kind + "'; known: "
                    + String.join(", ", KINDS));
        }
        List<TensorSpec> parts = spec.observation();
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(spec.id() + " has no observation parts to build a network on");
        }
        boolean anyImage = false;
        for (TensorSpec t : parts) {
            anyImage |= isImage(t);
        }
        String resolved = kind;
        if (kind.equals("auto")) {
            resolved = anyImage ? "multi" : "mlp";
        }
        boolean cnnAllowed = resolved.equals("cnn") || resolved.equals("multi");
        if (resolved.equals("cnn") && !anyImage) {
            throw new IllegalArgumentException("'cnn' needs an image observation part, but " + spec.id()
                    + " observes " + parts + "; use --policy mlp");
        }
        if (cnn != null && !cnnAllowed) {
            throw new IllegalArgumentException("--cnn applies to policies cnn and multi (or auto with an image part), not '"
                    + resolved + "'");
        }
        List<NetSpec.Input> inputs = new ArrayList<>();
        int offset = 0;
        boolean usesCnn = false;
        for (TensorSpec t : parts) {
            NetSpec.Encoding enc;
            if (cnnAllowed && isImage(t)) {
                enc = image(t, cnn);
                usesCnn = true;
            } else {
                enc = vector(t);
            }
            inputs.add(new NetSpec.Input(t.name(), offset, t.size(), enc));
            offset += t.size();
        }
        List<Integer> hidden;
        Activation activation = Activation.TANH;
        if (resolved.equals("linear")) {
            if (net != null && !net.equals("none")) {
                throw new IllegalArgumentException("policy 'linear' has no hidden layers; drop --net " + net
                        + " or use --policy mlp");
            }
            hidden = List.of();
        } else if (net == null) {
            hidden = usesCnn ? List.of() : List.of(64, 64);
        } else {
            String widths = net;
            int colon = net.indexOf(':');
            if (colon >= 0) {
                widths = net.substring(0, colon);
                activation = Activation.parse(net.substring(colon + 1));
            }
            hidden = widths(widths, "--net");
        }
        return new NetSpec(resolved, inputs, hidden, activation, spec.numActions());
    }

    /**
     * The paper's MiniGrid network (App. C.3) for a spec with one image part: the image through {@link #PAPER_CNN},
     * the other parts encoded, no hidden layers, the linear head; what {@code --policy conv} builds.
     */
    public static NetSpec paperNetwork(EnvironmentSpec spec) {
        return build(spec, "cnn", "none", PAPER_CNN);
    }

    /** Whether a part goes through a CNN: a Box the env calls an image, or that looks like one (SB3's rule). */
    static boolean isImage(TensorSpec t) {
        if (!(t.space() instanceof Space.Box box)) {
            return false;
        }
        int[] shape = t.shape();
        if (box.image() != null) {
            return box.image() && (shape.length == 2 || shape.length == 3);
        }
        return box.isImage(shape, t.dtype());
    }

    private static NetSpec.Encoding vector(TensorSpec t) {
        Space s = t.space();
        if (s instanceof Space.Discrete d) {
            return new NetSpec.OneHot(new long[] {d.n()}, new long[] {d.start()});
        }
        if (s instanceof Space.MultiDiscrete m) {
            return new NetSpec.OneHot(m.nvec(), m.start());
        }
        if (s instanceof Space.Box box) {
            for (int e = 0; e < t.size(); e++) {
                if (Double.isFinite(box.low(e)) && Double.isFinite(box.high(e)) && box.high(e) > box.low(e)) {
                    return new NetSpec.Scaled(box);
                }
            }
        }
        return new NetSpec.Raw();
    }

    private static NetSpec.Image image(TensorSpec t, String cnn) {
        int[] shape = t.shape();
        int h;
        int w;
        int c;
        boolean channelsFirst = false;
        if (shape.length == 2) {
            h = shape[0];
            w = shape[1];
            c = 1;
        } else {
            // SB3's is_image_space_channels_first: channels first when the first dimension is the smallest
            channelsFirst = shape[0] < shape[1] && shape[0] < shape[2];
            h = channelsFirst ? shape[1] : shape[0];
            w = channelsFirst ? shape[2] : shape[1];
            c = channelsFirst ? shape[0] : shape[2];
        }
        String name = cnn != null ? cnn : Math.min(h, w) >= LARGE_IMAGE ? NATURE_CNN : PAPER_CNN;
        NetSpec.Cnn net = cnn(name, t.name(), h, w);
        boolean scaled = !name.equals(PAPER_CNN) && ((Space.Box) t.space()).isBounded(t.size());
        return new NetSpec.Image(h, w, c, channelsFirst, (Space.Box) t.space(), scaled, net);
    }

    private static NetSpec.Cnn cnn(String name, String part, int h, int w) {
        NetSpec.Cnn net;
        switch (name.toLowerCase(Locale.ROOT)) {
            case PAPER_CNN:
                net = new NetSpec.Cnn(PAPER_CNN, List.of(new NetSpec.Conv(3, 1, 32, Activation.RELU),
                        new NetSpec.Conv(3, 1, 48, Activation.RELU), new NetSpec.Conv(3, 1, 64, Activation.IDENTITY)), 0);
                break;
            case NATURE_CNN:
                net = new NetSpec.Cnn(NATURE_CNN, List.of(new NetSpec.Conv(8, 4, 32, Activation.RELU),
                        new NetSpec.Conv(4, 2, 64, Activation.RELU), new NetSpec.Conv(3, 1, 64, Activation.RELU)), 512);
                break;
            default:
                net = parseCnn(name);
        }
        int hh = h;
        int ww = w;
        for (NetSpec.Conv conv : net.convs()) {
            boolean fits = conv.kernel() <= hh && conv.kernel() <= ww;
            hh = (hh - conv.kernel()) / conv.stride() + 1;
            ww = (ww - conv.kernel()) / conv.stride() + 1;
            if (!fits) {
                throw new IllegalArgumentException("--cnn " + name + " does not fit image part '" + part + "' of "
                        + h + "x" + w + ": a convolution leaves nothing; use smaller kernels or fewer layers");
            }
        }
        return net;
    }

    /** {@code KxK[/S]:c1,c2,...}: convolutions of kernel K and stride S (default 1), ReLU after each. */
    private static NetSpec.Cnn parseCnn(String text) {
        String error = "--cnn must be paper, nature or KxK[/S]:c1,c2,... (e.g. 3x3:16,32,64), got '" + text + "'";
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(error);
        }
        String kernelText = text.substring(0, colon);
        int stride = 1;
        int slash = kernelText.indexOf('/');
        try {
            if (slash >= 0) {
                stride = Integer.parseInt(kernelText.substring(slash + 1));
                kernelText = kernelText.substring(0, slash);
            }
            String[] kk = kernelText.split("x");
            if (kk.length != 2 || !kk[0].equals(kk[1])) {
                throw new IllegalArgumentException(error);
            }
            int kernel = Integer.parseInt(kk[0]);
            if (kernel < 1 || stride < 1) {
                throw new IllegalArgumentException(error);
            }
            List<NetSpec.Conv> convs = new ArrayList<>();
            for (int ch : widths(text.substring(colon + 1), "--cnn")) {
                convs.add(new NetSpec.Conv(kernel, stride, ch, Activation.RELU));
            }
            if (convs.isEmpty()) {
                throw new IllegalArgumentException(error);
            }
            return new NetSpec.Cnn(text, convs, 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(error);
        }
    }

    private static List<Integer> widths(String text, String option) {
        if (text.equals("none") || text.isEmpty()) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                int v = Integer.parseInt(part.trim());
                if (v < 1) {
                    throw new NumberFormatException();
                }
                out.add(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes positive widths separated by commas (e.g. 64,64) "
                        + "or none, got '" + text + "'");
            }
        }
        return out;
    }

    /**
     * The line a run prints at its start, e.g. {@code policy: multi (image 7x7x3 -> conv 3x3/1 32 relu, ...;
     * direction one-hot 4) -> 7 logits, 42,963 parameters}.
     */
    public static String describe(NetSpec spec) {
        StringBuilder b = new StringBuilder("policy: ").append(spec.kind()).append(" (");
        List<String> parts = new ArrayList<>();
        for (NetSpec.Input in : spec.inputs()) {
            NetSpec.Encoding enc = in.encoding();
            String what;
            if (enc instanceof NetSpec.Image im) {
                List<String> layers = new ArrayList<>();
                for (NetSpec.Conv conv : im.cnn().convs()) {
                    layers.add(conv.kernel() + "x" + conv.kernel() + "/" + conv.stride() + " " + conv.channels()
                            + (conv.activation() == Activation.IDENTITY ? "" : " " + conv.activation().label()));
                }
                what = "image " + im.h() + "x" + im.w() + "x" + im.c() + (im.channelsFirst() ? " (channels first)" : "")
                        + (im.scaled() ? " scaled" : " unscaled") + " -> " + im.cnn().name() + " conv "
                        + String.join(", ", layers) + (im.cnn().dense() > 0 ? " -> dense " + im.cnn().dense() + " relu" : "");
            } else if (enc instanceof NetSpec.OneHot oh) {
                what = "one-hot " + oh.width(in.size());
            } else if (enc instanceof NetSpec.Scaled) {
                what = "scaled " + in.size();
            } else {
                what = "raw " + in.size();
            }
            parts.add(in.name() + " " + what);
        }
        b.append(String.join("; ", parts)).append(")");
        for (int width : spec.hidden()) {
            b.append(" -> ").append(width).append(' ').append(spec.hiddenActivation().label());
        }
        b.append(" -> ").append(spec.numActions()).append(" logits, ")
                .append(String.format(Locale.ROOT, "%,d", NetLayout.of(spec).size())).append(" parameters");
        return b.toString();
    }
}
