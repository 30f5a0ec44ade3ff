package org.dirpg.server.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.List;
import org.dirpg.env.State;
import org.dirpg.env.remote.EndpointList;
import org.dirpg.env.remote.RemoteEnvironment;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.env.remote.RemoteUnavailableException;
import org.junit.jupiter.api.Test;

class EnvironmentServerTest {
    @Test
    void servesOnAFreePortReportsHealthAndStops() throws Exception {
        NoisyChainFixture chain = new NoisyChainFixture("Chain-v0", 4, -1);
        EnvironmentServer server = EnvironmentServer.start(
                new EnvironmentServiceImpl(List.of(chain), EnvironmentServiceImplTest.KEY, 3), 0, 1 << 20);
        assertTrue(server.port() > 0);
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                InsecureChannelCredentials.create()).build();
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
        channel.shutdownNow();
        try (RemoteEnvironment remote = RemoteEnvironment.connect("Chain-v0",
                EndpointList.parse("127.0.0.1:" + server.port()), RemoteOptions.defaults().withMaxAttempts(2).withRetryBudget(java.time.Duration.ZERO))) {
            State s0 = remote.reset(8);
            assertEquals(chain.step(chain.reset(8), 2).reward(), remote.step(s0, 2).reward());
            server.stop();
            RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> remote.step(s0, 2));
            assertTrue(e.getMessage().contains("127.0.0.1:" + server.port() + " (UNAVAILABLE"), e.getMessage());
        }
    }
}
