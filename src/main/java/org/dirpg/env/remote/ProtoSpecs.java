package org.dirpg.env.remote;

import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.TensorSpec;
import org.dirpg.proto.env.v1.EnvironmentDescription;

/** {@link EnvironmentSpec} to and from the protocol's {@link EnvironmentDescription}. */
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
        for (TensorSpec t : spec.observation()) {
            org.dirpg.proto.env.v1.TensorSpec.Builder tb = org.dirpg.proto.env.v1.TensorSpec.newBuilder()
                    .setName(t.name()).setDtype(ProtoTensors.dtype(t.dtype()));
            for (int d : t.shape()) {
                tb.addShape(d);
            }
            b.addObservation(tb);
        }
        return b.build();
    }

    /**
     * The spec a description declares.
     *
     * @throws IllegalArgumentException when the description is not a valid spec (e.g. no actions, an unknown dtype)
     */
    public static EnvironmentSpec fromProto(EnvironmentDescription d) {
        List<TensorSpec> observation = new ArrayList<>(d.getObservationCount());
        for (org.dirpg.proto.env.v1.TensorSpec t : d.getObservationList()) {
            int[] shape = t.getShapeList().stream().mapToInt(Integer::intValue).toArray();
            observation.add(new TensorSpec(t.getName(), shape, ProtoTensors.dtypeName(t.getDtype())));
        }
        return new EnvironmentSpec(d.getEnvId(), d.getNumActions(), observation, d.getProvidesBound(),
                d.getMinReward(), d.getMaxReward());
    }
}
