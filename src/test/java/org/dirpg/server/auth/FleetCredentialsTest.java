package org.dirpg.server.auth;

import static org.dirpg.server.train.TrainerServerAccess.deepSeaSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.remote.RemoteCredentials;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.RemoteEnvironment;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;
import org.dirpg.server.DirpgServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's fleet credential (the env servers' bearer token) goes only to the endpoints the operator bound it to:
 * a run naming any other endpoint, e.g. a recording gRPC server on a random loopback port, is refused before any call,
 * and the recorder never sees an authorization header.
 */
class FleetCredentialsTest {
    private static final String FLEET_TOKEN = "fleet-token-0123456789abcdef";

    @TempDir
    static Path certDir;
    static TestCertificates certs;

    @TempDir
    Path data;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.make(certDir);
    }

    /** Records the authorization header of every call it receives (and answers them all with its real services). */
    static final class Recorder implements ServerInterceptor {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                          ServerCallHandler<Q, A> next) {
            seen.add(String.valueOf(headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER))));
            return next.startCall(call, headers);
        }
    }

    private static RunSpec remote(int port) {
        return deepSeaSpec(3).toBuilder().setRemoteEnvironment(RemoteEnvironment.newBuilder().setEnvId(DeepSea.ID)
                .addEndpoints("localhost:" + port)).build();
    }

    @Test
    void theTokenGoesOnlyWhereTheOperatorBoundIt() throws Exception {
        ServerTls tls = new ServerTls(certs.serverCert(), certs.serverKey(), null);
        DirpgServer fleet = DirpgServer.builder(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                tls.credentials())).dataDir(data.resolve("fleet")).workers(1)
                .tokens(Tokens.parse("trainer " + FLEET_TOKEN + "\n", "test")).start();
        Recorder recorder = new Recorder();
        DirpgServer recording = DirpgServer.builder(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                tls.credentials()).intercept(recorder)).dataDir(data.resolve("recording")).workers(1).start();
        RemoteOptions withToken = RemoteOptions.defaults().withMaxAttempts(1).withRetryBudget(java.time.Duration.ZERO)
                .withCredentials(new RemoteCredentials(certs.ca(), null, null, FLEET_TOKEN));
        String bound = InProcessServerBuilder.generateName();
        // any loopback port may be called, but the token is bound to the fleet's endpoint
        DirpgServer trainer = DirpgServer.builder(InProcessServerBuilder.forName(bound)).dataDir(data.resolve("t1"))
                .workers(1).remoteOptions(withToken).allowList(new EndpointAllowList(List.of("localhost:*")))
                .credentialEndpoints(new EndpointAllowList(List.of("localhost:" + fleet.port()), false)).start();
        String loose = InProcessServerBuilder.generateName();
        // the default allow-list (every loopback port) and a token, nothing bound: the token goes nowhere
        DirpgServer defaults = DirpgServer.builder(InProcessServerBuilder.forName(loose)).dataDir(data.resolve("t2"))
                .workers(1).remoteOptions(withToken).start();
        ManagedChannel ch = InProcessChannelBuilder.forName(bound).build();
        ManagedChannel ch2 = InProcessChannelBuilder.forName(loose).build();
        try {
            var stub = TrainerServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.createRun(
                    CreateRunRequest.newBuilder().setSpec(remote(recording.port())).build()));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().startsWith("remote_environment.endpoints: 'localhost:"
                    + recording.port() + "' is not an endpoint this server's fleet credentials are for (localhost:"
                    + fleet.port() + "; serve --remote-credentials-for)"), e.getStatus().getDescription());
            assertEquals("localhost:" + fleet.port(), stub.createRun(CreateRunRequest.newBuilder()
                    .setSpec(remote(fleet.port())).build()).getRun().getSpec().getRemoteEnvironment().getEndpoints(0));
            var stub2 = TrainerServiceGrpc.newBlockingStub(ch2).withDeadlineAfter(30, TimeUnit.SECONDS);
            StatusRuntimeException e2 = assertThrows(StatusRuntimeException.class, () -> stub2.createRun(
                    CreateRunRequest.newBuilder().setSpec(remote(recording.port())).build()));
            assertTrue(e2.getStatus().getDescription().contains("fleet credentials are for (none;"),
                    e2.getStatus().getDescription());
            assertTrue(recorder.seen.stream().noneMatch(h -> h.contains(FLEET_TOKEN)),
                    "the recording server never saw the token: " + recorder.seen);
            assertEquals(List.of(), recorder.seen, "nor any call");
        } finally {
            ch.shutdownNow();
            ch2.shutdownNow();
            trainer.stop();
            defaults.stop();
            recording.stop();
            fleet.stop();
        }
    }
}
