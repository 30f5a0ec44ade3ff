package org.dirpg.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.dirpg.env.classic.Environments;
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
            EnvironmentContract.check(env, 20240611L, true);
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
    void registryListsTheFourEnvironments() {
        assertEquals(4, Environments.ids().size());
        assertTrue(Environments.ids().containsAll(
                java.util.List.of("DeepSea-v0", "SpanningTreeBandit-v0", "GaussianChoice-v0", "CoinTree-v0")));
    }
}
