package org.dirpg.policy.net;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.dirpg.env.Space;
import org.dirpg.policy.BernoulliPolicy;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.policy.Policy;

/**
 * A policy's architecture as a JSON object that a checkpoint carries, so a program without the environment (the
 * Python package's numpy {@code dirpg.Policy}) can rebuild the policy from the checkpoint alone.
 *
 * <p>Three kinds:
 * <ul>
 *   <li>{@code "net"}: a {@link NetSpec} ({@link NetPolicy}); theta laid out as {@link NetLayout} says (DL4J's order);</li>
 *   <li>{@code "linear"}: a linear softmax on the encoded features ({@link EncodedPolicy} over
 *       {@link LinearSoftmaxPolicy}); theta is W row-major (actions x encoded features), then b;</li>
 *   <li>{@code "bernoulli"}: one logit per decision ({@link BernoulliPolicy}); the decision is the position of the
 *       one-hot feature.</li>
 * </ul>
 * Every kind lists its {@code inputs}: each observation part's name, offset and size in the flat feature vector and
 * its encoding ({@code raw}, {@code scaled} with its bounds, {@code onehot} with {@code nvec} and {@code start}, or
 * {@code image} with its shape, layout, bounds and CNN).
 */
public final class PolicyDescription {
    /** The version of this description's layout. */
    public static final String FORMAT = "dirpg-policy-v1";

    private PolicyDescription() {
    }

    /** The description of {@code policy}, or null for a policy kind it does not cover. */
    public static JsonObject of(Policy policy) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("num_actions", policy.numActions());
        o.addProperty("num_parameters", policy.numParameters());
        if (policy instanceof NetPolicy net) {
            o.addProperty("kind", "net");
            spec(net.spec(), o);
            return o;
        }
        if (policy instanceof EncodedPolicy enc && enc.inner() instanceof LinearSoftmaxPolicy) {
            o.addProperty("kind", "linear");
            spec(enc.spec(), o);
            return o;
        }
        if (policy instanceof BernoulliPolicy) {
            o.addProperty("kind", "bernoulli");
            return o;
        }
        return null;
    }

    private static void spec(NetSpec spec, JsonObject o) {
        o.addProperty("net_kind", spec.kind());
        JsonArray inputs = new JsonArray();
        for (NetSpec.Input in : spec.inputs()) {
            JsonObject i = new JsonObject();
            i.addProperty("name", in.name());
            i.addProperty("offset", in.offset());
            i.addProperty("size", in.size());
            i.add("encoding", encoding(in.encoding()));
            inputs.add(i);
        }
        o.add("inputs", inputs);
        o.add("hidden", ints(spec.hidden().stream().mapToInt(Integer::intValue).toArray()));
        o.addProperty("hidden_activation", spec.hiddenActivation().label());
    }

    private static JsonObject encoding(NetSpec.Encoding e) {
        JsonObject j = new JsonObject();
        if (e instanceof NetSpec.Raw) {
            j.addProperty("type", "raw");
        } else if (e instanceof NetSpec.Scaled s) {
            j.addProperty("type", "scaled");
            bounds(s.box(), j);
        } else if (e instanceof NetSpec.OneHot oh) {
            j.addProperty("type", "onehot");
            j.add("nvec", longs(oh.nvec()));
            j.add("start", longs(oh.start()));
        } else if (e instanceof NetSpec.Image im) {
            j.addProperty("type", "image");
            j.add("shape", ints(new int[] {im.h(), im.w(), im.c()}));
            j.addProperty("channels_first", im.channelsFirst());
            j.addProperty("scaled", im.scaled());
            if (im.scaled()) {
                bounds(im.box(), j);
            }
            JsonObject cnn = new JsonObject();
            cnn.addProperty("name", im.cnn().name());
            JsonArray convs = new JsonArray();
            for (NetSpec.Conv c : im.cnn().convs()) {
                JsonObject cj = new JsonObject();
                cj.addProperty("kernel", c.kernel());
                cj.addProperty("stride", c.stride());
                cj.addProperty("channels", c.channels());
                cj.addProperty("activation", c.activation().label());
                convs.add(cj);
            }
            cnn.add("convs", convs);
            cnn.addProperty("dense", im.cnn().dense());
            j.add("cnn", cnn);
        }
        return j;
    }

    /** Bounds as the Box gives them: one value for every element, or one per element (row-major). */
    private static void bounds(Space.Box box, JsonObject j) {
        j.add("low", doubles(box.low()));
        j.add("high", doubles(box.high()));
    }

    private static JsonArray ints(int[] v) {
        JsonArray a = new JsonArray();
        for (int x : v) {
            a.add(x);
        }
        return a;
    }

    private static JsonArray longs(long[] v) {
        JsonArray a = new JsonArray();
        for (long x : v) {
            a.add(x);
        }
        return a;
    }

    private static JsonArray doubles(double[] v) {
        JsonArray a = new JsonArray();
        for (double x : v) {
            // JSON has no infinities: an unbounded side is written as a string, as proto3 JSON does.
            if (Double.isInfinite(x)) {
                a.add(x > 0 ? "Infinity" : "-Infinity");
            } else {
                a.add(x);
            }
        }
        return a;
    }
}
