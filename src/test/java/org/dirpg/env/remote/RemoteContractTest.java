package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentContract;
import org.dirpg.env.classic.Environments;
import org.dirpg.env.minigrid.MultiRoomEnvironment;
import org.dirpg.server.env.EnvironmentServiceImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered native environment, served by {@link EnvironmentServiceImpl} and reached through
 * {@link RemoteEnvironment} over real gRPC (in-process transport), passes the shared {@link EnvironmentContract}
 * and steps exactly like the in-process environment.
 */
class RemoteContractTest {
    private static final String SERVER = InProcessServerBuilder.generateName();
    private static Server server;

    static Stream<String> ids() {
        return Environments.ids().stream();
    }

    @BeforeAll
    static void serve() throws IOException {
        List<EncodableEnvironment> envs = Environments.ids().stream()
                .map(id -> (EncodableEnvironment) Environments.make(id)).toList();
        server = InProcessServerBuilder.forName(SERVER)
                .addService(new EnvironmentServiceImpl(envs, LoopbackFleet.KEY, 99)).build().start();
    }

    @AfterAll
    static void stop() {
        server.shutdownNow();
    }

    private static RemoteEnvironment connect(String id) {
        List<ManagedChannel> channels = List.of(InProcessChannelBuilder.forName(SERVER).build());
        return new RemoteEnvironment(id, channels, RemoteOptions.defaults());
    }

    @ParameterizedTest
    @MethodSource("ids")
    void remoteEnvironmentPassesTheContract(String id) {
        try (RemoteEnvironment remote = connect(id)) {
            assertEquals(Environments.make(id).spec(), remote.spec());
            EnvironmentContract.check(remote, 20240611L, !id.startsWith(MultiRoomEnvironment.PREFIX)); // see EnvironmentContractTest
        }
    }

    @ParameterizedTest
    @MethodSource("ids")
    void remoteStepsEqualInProcessSteps(String id) {
        try (RemoteEnvironment remote = connect(id); Environment local = Environments.make(id)) {
            RemoteEnvironmentTest.assertSameWalks(local, remote, 15, 3);
        }
    }

    /**
     * The protocol carries everything the search uses (feasibility, both bounds, the interaction cost of a step), so a
     * DirPG search over the remote environment finds what the in-process search finds, interaction for interaction.
     */
    @ParameterizedTest
    @MethodSource("ids")
    void remoteSearchEqualsInProcessSearch(String id) {
        try (RemoteEnvironment remote = connect(id); Environment local = Environments.make(id)) {
            org.dirpg.policy.Policy policy = org.dirpg.policy.Policies.create("linear", local.spec(), 0.5, 3L);
            for (org.dirpg.search.SearchConfig config : List.of(
                    org.dirpg.search.SearchConfig.gumbel(1.0, 40, false),
                    new org.dirpg.search.SearchConfig(-1.0, org.dirpg.search.Priority.ASTAR, 0.0, 40, false, true))) {
                org.dirpg.estimator.DirectPolicyGradient dirpg = new org.dirpg.estimator.DirectPolicyGradient(config);
                for (long seed = 0; seed < 5; seed++) {
                    org.dirpg.estimator.SearchResult a = dirpg.search(local, policy, local.reset(seed), seed);
                    org.dirpg.estimator.SearchResult b = dirpg.search(remote, policy, remote.reset(seed), seed);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(a.aOpt().actions(), b.aOpt().actions());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(a.aDir().actions(), b.aDir().actions());
                    assertEquals(a.aDir().d(), b.aDir().d(), 1e-12);
                    assertEquals(a.candidates(), b.candidates(), id + " seed " + seed);
                    assertEquals(a.interactions(), b.interactions(), id + " seed " + seed);
                }
            }
        }
    }
}
