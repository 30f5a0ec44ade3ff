package org.dirpg.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.dirpg.env.classic.Environments;
import org.dirpg.env.minigrid.MultiRoomEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs {@link EnvironmentContract} over every registered native environment. */
class EnvironmentContractTest {

    static Stream<String> ids() {
        return Environments.ids().stream();
    }

    @ParameterizedTest
    @MethodSource("ids")
    void everyRegisteredEnvironmentPassesTheContract(String id) {
        try (Environment env = Environments.make(id)) {
            // MiniGrid's randomness is the map, not the rewards: with the default reward, the same actions on two maps
            // mostly earn 0 on both (the seed's effect on the map is MiniGridTwinDifferentialTest's business).
            EnvironmentContract.check(env, 20240611L, !id.startsWith(MultiRoomEnvironment.PREFIX));
        }
    }

    @ParameterizedTest
    @MethodSource("ids")
    void contractHoldsForASecondSeed(String id) {
        try (Environment env = Environments.make(id)) {
            EnvironmentContract.check(env, 7L);
        }
    }

    @Test
    void registryListsTheClassicEnvironmentsAndTheMiniGridTwins() {
        assertEquals(8, Environments.ids().size());
        assertTrue(Environments.ids().containsAll(
                java.util.List.of("DeepSea-v0", "SpanningTreeBandit-v0", "GaussianChoice-v0", "CoinTree-v0",
                        "JavaMiniGrid-MultiRoom-N6-v0", "JavaMiniGrid-MultiRoom-N2-S4-v0",
                        "JavaMiniGrid-MultiRoom-N4-S5-v0", "JavaMiniGrid-MultiRoom-N4-S5-v1")));
    }
}
