package org.dirpg.server.train;

import org.dirpg.proto.train.v1.RunSpec;

/** The test fixtures' run specs for tests in other packages. */
public final class TrainerServerAccess {
    private TrainerServerAccess() {
    }

    /** {@link TrainerServer#deepSea} with seed 1, built. */
    public static RunSpec deepSeaSpec(long updates) {
        return TrainerServer.deepSea(updates, 1).build();
    }
}
