package org.dirpg.policy.net;

import org.dirpg.env.Space;

/**
 * How a {@link NetSpec} reads a feature vector: an image part as [h][w][c] floats (scaled to [0, 1] by its bounds when
 * its encoding says so), every other part one-hot ({@code Discrete}, {@code MultiDiscrete}), scaled to [-1, 1]
 * (bounded {@code Box}) or as it is, concatenated in observation order. A value outside a discrete part's space is
 * refused with a message naming the part.
 */
public final class Encoder {
    private Encoder() {
    }

    /** An image part as [h][w][c] floats, scaled to [0, 1] by its bounds when its encoding says so. */
    public static float[] image(NetSpec.Input input, double[] features) {
        NetSpec.Image im = (NetSpec.Image) input.encoding();
        int h = im.h();
        int w = im.w();
        int c = im.c();
        float[] x = new float[h * w * c];
        if (!im.channelsFirst() && !im.scaled()) {
            int off = input.offset();
            for (int e = 0; e < x.length; e++) {
                x[e] = (float) features[off + e];
            }
            return x;
        }
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                for (int ch = 0; ch < c; ch++) {
                    int e = im.channelsFirst() ? (ch * h + i) * w + j : (i * w + j) * c + ch;
                    double v = features[input.offset() + e];
                    if (im.scaled()) {
                        double lo = im.box().low(e);
                        v = (v - lo) / (im.box().high(e) - lo);
                    }
                    x[(i * w + j) * c + ch] = (float) v;
                }
            }
        }
        return x;
    }

    /** Writes the encodings of {@code spec}'s non-image parts into {@code out} from {@code at}. */
    public static void vector(NetSpec spec, double[] features, float[] out, int at) {
        for (NetSpec.Input input : spec.inputs()) {
            NetSpec.Encoding enc = input.encoding();
            int off = input.offset();
            if (enc instanceof NetSpec.Raw) {
                for (int e = 0; e < input.size(); e++) {
                    out[at++] = (float) features[off + e];
                }
            } else if (enc instanceof NetSpec.Scaled s) {
                Space.Box box = s.box();
                for (int e = 0; e < input.size(); e++) {
                    double v = features[off + e];
                    double lo = box.low(e);
                    double hi = box.high(e);
                    out[at++] = (float) (Double.isFinite(lo) && Double.isFinite(hi) && hi > lo
                            ? 2 * (v - lo) / (hi - lo) - 1 : v);
                }
            } else if (enc instanceof NetSpec.OneHot oh) {
                long[] nvec = oh.nvec();
                for (int e = 0; e < nvec.length; e++) {
                    double v = features[off + e] - oh.start()[e];
                    if (!(v >= 0 && v < nvec[e] && v == Math.rint(v))) {
                        throw new IllegalArgumentException("observation part '" + input.name() + "' has value "
                                + features[off + e] + " at element " + e + ", outside its space (integers "
                                + oh.start()[e] + " .. " + (oh.start()[e] + nvec[e] - 1) + ")");
                    }
                    out[at + (int) v] = 1f;
                    at += (int) nvec[e];
                }
            }
        }
    }
}
