package org.dirpg.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirpg.env.State;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.remote.EndpointList;
import org.dirpg.env.remote.RemoteCredentials;
import org.dirpg.env.remote.RemoteEnvironment;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.proto.train.v1.Algorithm;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.ListRunsRequest;
import org.dirpg.proto.train.v1.NativeEnvironment;
import org.dirpg.proto.train.v1.Run;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.StopRunRequest;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;
import org.dirpg.server.DirpgServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on the real server over loopback TCP (netty's TLS, certificates made by openssl at test time):
 * a TLS client works and a plaintext one is refused; under mTLS a client without a certificate is refused and the
 * certificate's CN owns its runs; env servers are reached over TLS with a bearer token by RemoteEnvironment and by
 * the trainer's runs.
 */
class TlsTest {
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

    private static DirpgServer.Builder tcp(ServerTls tls) {
        return DirpgServer.builder(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), tls.credentials()));
    }

    private static ManagedChannel channel(int port, ChannelCredentials credentials) {
        return Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
    }

    private static ChannelCredentials trusting(String client) throws Exception {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile());
        if (client != null) {
            b.keyManager(certs.cert(client).toFile(), certs.key(client).toFile());
        }
        return b.build();
    }

    private static TrainerServiceGrpc.TrainerServiceBlockingStub stub(ManagedChannel ch) {
        return TrainerServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static RunSpec deepSea(long updates) {
        return RunSpec.newBuilder().setNativeEnvironment(NativeEnvironment.newBuilder().setEnvId(DeepSea.ID))
                .setAlgorithm(Algorithm.ALGORITHM_DIRPG).setEpsilon(1.0).setBudget(20).setUpdates(updates).setLearningRate(0.05)
                .build();
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    @Test
    void tlsClientsWorkAndPlaintextClientsAreRefused() throws Exception {
        DirpgServer server = tcp(new ServerTls(certs.serverCert(), certs.serverKey(), null)).dataDir(data).workers(1).start();
        ManagedChannel tls = channel(server.port(), trusting(null));
        ManagedChannel ip = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), trusting(null)).build();
        ManagedChannel plain = channel(server.port(), InsecureChannelCredentials.create());
        try {
            Run run = stub(tls).createRun(CreateRunRequest.newBuilder().setSpec(deepSea(3)).build()).getRun();
            assertEquals(1, stub(ip).listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount(),
                    "the certificate names 127.0.0.1 too");
            assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(tls).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus());
            assertEquals(Status.Code.UNAVAILABLE, code(() -> stub(plain).getRun(
                    GetRunRequest.newBuilder().setRunId(run.getRunId()).build())), "plaintext cannot talk to TLS");
        } finally {
            tls.shutdownNow();
            ip.shutdownNow();
            plain.shutdownNow();
            server.stop();
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutCertificatesAndTheCertificateOwnsItsRuns() throws Exception {
        DirpgServer server = tcp(new ServerTls(certs.serverCert(), certs.serverKey(), certs.ca())).dataDir(data)
                .workers(1).clientCertificates(List.of()).start();
        ManagedChannel alice = channel(server.port(), trusting("alice"));
        ManagedChannel bob = channel(server.port(), trusting("bob"));
        ManagedChannel anonymous = channel(server.port(), trusting(null));
        try {
            Run run = stub(alice).createRun(CreateRunRequest.newBuilder().setSpec(deepSea(100_000_000L)).build()).getRun();
            assertEquals("alice", run.getOwner(), "the client certificate's CN is the owner");
            String id = run.getRunId();
            // another identity's run is answered as a run that does not exist
            assertEquals(Status.Code.NOT_FOUND, code(() -> stub(bob).getRun(GetRunRequest.newBuilder().setRunId(id).build())));
            assertEquals(Status.Code.NOT_FOUND, code(() -> stub(bob).stopRun(StopRunRequest.newBuilder().setRunId(id).build())));
            assertEquals(0, stub(bob).listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount());
            assertEquals(Status.Code.UNAVAILABLE, code(() -> stub(anonymous).listRuns(ListRunsRequest.getDefaultInstance())),
                    "no client certificate: the handshake fails");
            // a subject with two CNs (/CN=carol/CN=bob) names no one identity: refused, never taken as either
            ManagedChannel twoNames = channel(server.port(), trusting("twocn"));
            try {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                        () -> stub(twoNames).listRuns(ListRunsRequest.getDefaultInstance()));
                assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
                assertTrue(e.getStatus().getDescription().contains("client certificate whose subject has exactly one CN"),
                        e.getStatus().getDescription());
            } finally {
                twoNames.shutdownNow();
            }
            Run stopped = stub(alice).stopRun(StopRunRequest.newBuilder().setRunId(id).build()).getRun();
            assertEquals(id, stopped.getRunId());
        } finally {
            alice.shutdownNow();
            bob.shutdownNow();
            anonymous.shutdownNow();
            server.stop();
        }
        // --admin-cn: bob's certificate may see and stop every run.
        DirpgServer admin = tcp(new ServerTls(certs.serverCert(), certs.serverKey(), certs.ca())).dataDir(data.resolve("admin"))
                .workers(1).clientCertificates(List.of("bob")).start();
        ManagedChannel alice2 = channel(admin.port(), trusting("alice"));
        ManagedChannel bob2 = channel(admin.port(), trusting("bob"));
        try {
            String id = stub(alice2).createRun(CreateRunRequest.newBuilder().setSpec(deepSea(3)).build()).getRun().getRunId();
            assertEquals("alice", stub(bob2).getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun().getOwner());
        } finally {
            alice2.shutdownNow();
            bob2.shutdownNow();
            admin.stop();
        }
    }

    /**
     * mTLS with tokens: the certificate is required at the handshake, so a caller with only a bearer token is
     * refused (UNAVAILABLE, before any token is read), one with a certificate and a token is served as the token's
     * name; the start line says so.
     */
    @Test
    void underMutualTlsATokenAloneIsRefusedAndTheStartLineSaysCertificatesAreRequired() throws Exception {
        DirpgServer server = tcp(new ServerTls(certs.serverCert(), certs.serverKey(), certs.ca())).dataDir(data)
                .workers(1).tokens(Tokens.parse("carol carol-token-0123456789", "test")).clientCertificates(List.of())
                .start();
        ManagedChannel tokenOnly = channel(server.port(), trusting(null));
        ManagedChannel both = channel(server.port(), trusting("alice"));
        try {
            assertEquals(Status.Code.UNAVAILABLE, code(() -> org.dirpg.testing.BearerStubs.as(tokenOnly,
                    "carol-token-0123456789").listRuns(ListRunsRequest.getDefaultInstance())));
            Run run = org.dirpg.testing.BearerStubs.as(both, "carol-token-0123456789")
                    .createRun(CreateRunRequest.newBuilder().setSpec(deepSea(3)).build()).getRun();
            assertEquals("carol", run.getOwner(), "with a certificate, the token names the caller");
        } finally {
            tokenOnly.shutdownNow();
            both.shutdownNow();
            server.stop();
        }
        String notice = BindPolicy.notice("dirpg server", "0.0.0.0", true, true, true);
        assertTrue(notice.contains("authentication client certificates required (a caller with only a bearer token "
                + "is refused at the TLS handshake"), notice);
        assertTrue(BindPolicy.notice("s", "0.0.0.0", true, true, false).endsWith("authentication client certificates required"));
    }

    /** A client with a token but no certificate, calling an mTLS env server, is told at once that it needs one. */
    @Test
    void aTokenOnlyClientOfAnMtlsEnvServerIsToldToGiveACertificate() throws Exception {
        Tokens fleetTokens = Tokens.parse("trainer " + FLEET_TOKEN + "\n", "test");
        org.dirpg.server.env.EnvironmentServer mtls = org.dirpg.server.env.EnvironmentServer.start(
                new org.dirpg.server.env.EnvironmentServiceImpl(List.of(new DeepSea()), 1), "127.0.0.1", 0, 1 << 20,
                new ServerTls(certs.serverCert(), certs.serverKey(), certs.ca()), fleetTokens);
        EndpointList endpoint = EndpointList.parse("localhost:" + mtls.port());
        try {
            long start = System.nanoTime();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteEnvironment.connect(
                    DeepSea.ID, endpoint, RemoteOptions.defaults().withCredentials(
                            new RemoteCredentials(certs.ca(), null, null, FLEET_TOKEN))));
            assertEquals("--remote: the env server at localhost:" + mtls.port() + " requires a client certificate "
                    + "(mutual TLS), so a bearer token alone is refused at the TLS handshake; give --remote-cert and "
                    + "--remote-key (a certificate its CA signed)", e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "not retried for the whole budget");
            try (RemoteEnvironment env = RemoteEnvironment.connect(DeepSea.ID, endpoint, RemoteOptions.defaults()
                    .withCredentials(new RemoteCredentials(certs.ca(), certs.cert("alice"), certs.key("alice"), FLEET_TOKEN)))) {
                assertEquals(2, env.spec().numActions(), "with a certificate the same client is served");
            }
        } finally {
            mtls.stop();
        }
    }

    @Test
    void theTrainCommandReachesATlsFleetWithATokenFromAFile() throws Exception {
        DirpgServer fleet = tcp(new ServerTls(certs.serverCert(), certs.serverKey(), null)).dataDir(data.resolve("fleet"))
                .workers(1).tokens(Tokens.parse("trainer " + FLEET_TOKEN + "\n", "test")).start();
        Path tokenFile = data.resolve("fleet.token");
        java.nio.file.Files.writeString(tokenFile, FLEET_TOKEN + "\n");
        try {
            String[] common = {"train", "--remote", "localhost:" + fleet.port(), "--env", DeepSea.ID, "-n", "2",
                    "--budget", "10", "--no-progress", "--out", data.resolve("out").toString(), "--remote-ca",
                    certs.ca().toString()};
            String[] withToken = java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                    java.util.stream.Stream.of("--remote-token-file", tokenFile.toString())).toArray(String[]::new);
            assertEquals(0, org.dirpg.cli.Main.run(withToken));
            assertTrue(java.nio.file.Files.readString(data.resolve("out").resolve("metrics.csv")).lines().count() >= 3);
            String[] missing = java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                    java.util.stream.Stream.of("--remote-token-file", data.resolve("nope").toString())).toArray(String[]::new);
            assertEquals(2, org.dirpg.cli.Main.run(missing), "a missing token file is a usage error");
        } finally {
            fleet.stop();
        }
    }

    @Test
    void envServersAreReachedOverTlsWithABearerToken() throws Exception {
        Tokens fleetTokens = Tokens.parse("trainer " + FLEET_TOKEN + "\n", "test");
        DirpgServer fleet = tcp(new ServerTls(certs.serverCert(), certs.serverKey(), null)).dataDir(data.resolve("fleet"))
                .workers(1).tokens(fleetTokens).start();
        EndpointList endpoint = EndpointList.parse("localhost:" + fleet.port());
        RemoteOptions once = RemoteOptions.defaults().withMaxAttempts(1).withRetryBudget(java.time.Duration.ZERO);
        RemoteOptions withToken = once.withCredentials(new RemoteCredentials(certs.ca(), null, null, FLEET_TOKEN));
        String name = InProcessServerBuilder.generateName();
        DirpgServer trainer = DirpgServer.builder(InProcessServerBuilder.forName(name)).dataDir(data.resolve("trainer"))
                .workers(1).remoteOptions(withToken)
                .allowList(new EndpointAllowList(List.of("localhost:" + fleet.port()))).start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try {
            try (RemoteEnvironment env = RemoteEnvironment.connect(DeepSea.ID, endpoint, withToken)) {
                State s = env.reset(1);
                assertEquals(1, env.stepBatch(List.of(s, s), new int[] {0, 1}).get(1).interactions());
            }
            IllegalStateException noToken = assertThrows(IllegalStateException.class, () -> RemoteEnvironment.connect(
                    DeepSea.ID, endpoint, once.withCredentials(new RemoteCredentials(certs.ca(), null, null, null))));
            assertTrue(noToken.getMessage().contains("UNAUTHENTICATED"), noToken.getMessage());
            // The standalone Java env server, beyond loopback with TLS and a token.
            org.dirpg.server.env.EnvironmentServer standalone = org.dirpg.server.env.EnvironmentServer.start(
                    new org.dirpg.server.env.EnvironmentServiceImpl(List.of(new DeepSea()), 1), "0.0.0.0", 0, 1 << 20,
                    new ServerTls(certs.serverCert(), certs.serverKey(), null), fleetTokens);
            try (RemoteEnvironment env = RemoteEnvironment.connect(DeepSea.ID,
                    EndpointList.parse("localhost:" + standalone.port()), withToken)) {
                assertEquals(2, env.spec().numActions());
            } finally {
                standalone.stop();
            }

            RunSpec remote = deepSea(3).toBuilder().setRemoteEnvironment(org.dirpg.proto.train.v1.RemoteEnvironment
                    .newBuilder().setEnvId(DeepSea.ID).addEndpoints("localhost:" + fleet.port())).build();
            Run run = stub(ch).createRun(CreateRunRequest.newBuilder().setSpec(remote).build()).getRun();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (run.getState() != RunState.RUN_STATE_SUCCEEDED && System.nanoTime() < deadline) {
                Thread.sleep(20);
                run = stub(ch).getRun(GetRunRequest.newBuilder().setRunId(run.getRunId()).build()).getRun();
            }
            assertEquals(RunState.RUN_STATE_SUCCEEDED, run.getState(), run.getErrorMessage());
            assertEquals(3, run.getProgress().getUpdatesDone());
        } finally {
            ch.shutdownNow();
            trainer.stop();
            fleet.stop();
        }
    }

    @Test
    void beyondLoopbackTlsAndAuthenticationAreRequired() throws Exception {
        ServerTls tls = new ServerTls(certs.serverCert(), certs.serverKey(), null);
        BindPolicy.check("127.0.0.1", false, false);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> BindPolicy.check("0.0.0.0", false, true));
        assertEquals("--host 0.0.0.0: refusing to serve beyond loopback without TLS; give --tls-cert and --tls-key, "
                + "or bind 127.0.0.1", none.getMessage());
        IllegalArgumentException noAuth = assertThrows(IllegalArgumentException.class, () ->
                org.dirpg.server.env.EnvironmentServer.start(null, "0.0.0.0", 0, 1 << 20, tls, null));
        assertTrue(noAuth.getMessage().contains("without authentication; give --tokens-file (or DIRPG_TOKENS) or "
                + "--tls-client-ca"), noAuth.getMessage());
        assertTrue(BindPolicy.notice("s", "127.0.0.1", false, false, false).endsWith(
                "transport plaintext; authentication none (allowed because 127.0.0.1 is loopback)"));
        IllegalArgumentException pkcs1 = assertThrows(IllegalArgumentException.class,
                () -> new ServerTls(certs.serverCert(), certs.serverCert(), null));
        assertTrue(pkcs1.getMessage().startsWith("--tls-key: " + certs.serverCert() + " holds no PEM 'PRIVATE KEY' block"),
                pkcs1.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> new ServerTls(certs.cert("alice"), certs.serverKey(), null));
        assertEquals("--tls-key: " + certs.serverKey() + " is not the private key of the certificate in "
                + certs.cert("alice") + " (CN=alice); give the key it was issued for", mismatch.getMessage());
        Path damaged = certDir.resolve("damaged.crt");
        java.nio.file.Files.writeString(damaged, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new ServerTls(damaged, certs.serverKey(), null));
        assertTrue(bad.getMessage().startsWith("--tls-cert: " + damaged + " holds no valid PEM X.509 certificate"),
                bad.getMessage());
    }
}
