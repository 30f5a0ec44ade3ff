package org.dirpg.env.remote;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.Space;
import org.dirpg.env.TensorSpec;
import org.dirpg.proto.env.v1.BoxSpace;
import org.dirpg.proto.env.v1.DiscreteSpace;
import org.dirpg.proto.env.v1.EnvironmentDescription;
import org.dirpg.proto.env.v1.MultiBinarySpace;
import org.dirpg.proto.env.v1.MultiDiscreteSpace;

/** {@link EnvironmentSpec} to and from the protocol's {@link EnvironmentDescription}, spaces included. */
public final class ProtoSpecs {
    private ProtoSpecs() {
    }

    /** The description a server sends for {@code spec}, with free text {@code description}. */
    public static EnvironmentDescription toProto(EnvironmentSpec spec, String description) {
        EnvironmentDescription.Builder b = EnvironmentDescription.newBuilder()
                .setEnvId(spec.id())
                .setNumActions(spec.numActions())
                .setProvidesBound(spec.providesBound())
                .setMinReward(spec.minReward())
                .setMaxReward(spec.maxReward())
                .setDescription(description);
        if (spec.maxEpisodeSteps() > 0) {
            b.setMaxEpisodeSteps(spec.maxEpisodeSteps());
        }
        for (TensorSpec t : spec.observation()) {
            org.dirpg.proto.env.v1.TensorSpec.Builder tb = org.dirpg.proto.env.v1.TensorSpec.newBuilder()
                    .setName(t.name()).setDtype(ProtoTensors.dtype(t.dtype())).setSpace(toProto(t.space()));
            for (int d : t.shape()) {
                tb.addShape(d);
            }
            b.addObservation(tb);
        }
        return b.build();
    }

    /** The protocol's {@code Space} message of {@code space}. */
    public static org.dirpg.proto.env.v1.Space toProto(Space space) {
        org.dirpg.proto.env.v1.Space.Builder b = org.dirpg.proto.env.v1.Space.newBuilder();
        if (space instanceof Space.Discrete d) {
            b.setDiscrete(DiscreteSpace.newBuilder().setN(d.n()).setStart(d.start()));
        } else if (space instanceof Space.Box box) {
            BoxSpace.Builder bb = BoxSpace.newBuilder();
            for (double v : box.low()) {
                bb.addLow(v);
            }
            for (double v : box.high()) {
                bb.addHigh(v);
            }
            if (box.image() != null) {
                bb.setImage(box.image());
            }
            b.setBox(bb);
        } else if (space instanceof Space.MultiDiscrete m) {
            MultiDiscreteSpace.Builder mb = MultiDiscreteSpace.newBuilder();
            for (long n : m.nvec()) {
                mb.addNvec(n);
            }
            for (long s : m.start()) {
                mb.addStart(s);
            }
            b.setMultiDiscrete(mb);
        } else {
            b.setMultiBinary(MultiBinarySpace.getDefaultInstance());
        }
        return b.build();
    }

    /**
     * The space a description's part declares; an absent space (an older server) is an unbounded Box.
     *
     * @throws IllegalArgumentException when the space does not fit the part (e.g. a Box with the wrong number of bounds)
     */
    public static Space fromProto(org.dirpg.proto.env.v1.Space s) {
        switch (s.getKindCase()) {
            case DISCRETE:
                return new Space.Discrete(s.getDiscrete().getN(), s.getDiscrete().getStart());
            case BOX: {
                BoxSpace box = s.getBox();
                double[] low = box.getLowList().stream().mapToDouble(Double::doubleValue).toArray();
                double[] high = box.getHighList().stream().mapToDouble(Double::doubleValue).toArray();
                if (low.length == 0) {
                    low = new double[] {Double.NEGATIVE_INFINITY};
                }
                if (high.length == 0) {
                    high = new double[] {Double.POSITIVE_INFINITY};
                }
                return new Space.Box(low, high, box.hasImage() ? box.getImage() : null);
            }
            case MULTI_DISCRETE:
                return new Space.MultiDiscrete(
                        s.getMultiDiscrete().getNvecList().stream().mapToLong(Long::longValue).toArray(),
                        s.getMultiDiscrete().getStartList().stream().mapToLong(Long::longValue).toArray());
            case MULTI_BINARY:
                return new Space.MultiBinary();
            default:
                return Space.Box.unbounded();
        }
    }

    /**
     * The spec a description declares.
     *
     * @throws IllegalArgumentException when the description is not a valid spec (e.g. no actions, an unknown dtype, a
     *                                  space that does not fit its part)
     */
    public static EnvironmentSpec fromProto(EnvironmentDescription d) {
        List<TensorSpec> observation = new ArrayList<>(d.getObservationCount());
        for (org.dirpg.proto.env.v1.TensorSpec t : d.getObservationList()) {
            int[] shape = t.getShapeList().stream().mapToInt(Integer::intValue).toArray();
            Space space = t.hasSpace() ? fromProto(t.getSpace()) : null;
            observation.add(new TensorSpec(t.getName(), shape, ProtoTensors.dtypeName(t.getDtype()), space));
        }
        return new EnvironmentSpec(d.getEnvId(), d.getNumActions(), observation, d.getProvidesBound(),
                d.getMinReward(), d.getMaxReward(), d.hasMaxEpisodeSteps() ? d.getMaxEpisodeSteps() : 0);
    }
}
