package org.dirpg.server.train;

import static org.dirpg.server.train.TrainerServer.deepSea;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.classic.Environments;
import org.dirpg.proto.env.v1.EnvironmentDescription;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.env.v1.ListEnvironmentsRequest;
import org.dirpg.proto.env.v1.ResetEnvironmentRequest;
import org.dirpg.proto.env.v1.StateView;
import org.dirpg.proto.env.v1.StepBatchRequest;
import org.dirpg.proto.env.v1.StepItem;
import org.dirpg.proto.env.v1.StepResult;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dirpg.cli.ServeCommand;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.GetRunRequest;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;
import org.dirpg.server.DirpgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The whole server: health, reflection, the environment service with a fleet key, and the serve command. */
class DirpgServerTest {
    @TempDir
    Path dir;

    private static List<String> reflectedServices(ManagedChannel channel) throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        names.complete(r.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> out = names.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        return out;
    }

    @Test
    void onLoopbackTheServerIsHealthyReflectsItsServicesAndTrains() throws Exception {
        DirpgServer server = DirpgServer.builder(NettyServerBuilder.forAddress(
                        new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create()))
                .workers(1).dataDir(dir).maxMessageBytes(1 << 20).start();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                InsecureChannelCredentials.create()).build();
        try {
            assertTrue(server.port() > 0);
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
            assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
                    .setService(TrainerServiceGrpc.SERVICE_NAME).build()).getStatus());
            List<String> services = reflectedServices(channel);
            assertTrue(services.contains("dirpg.train.v1.TrainerService"), services.toString());
            assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
            assertTrue(services.contains("dirpg.env.v1.EnvironmentService"), services.toString());

            TrainerServiceGrpc.TrainerServiceBlockingStub stub = TrainerServiceGrpc.newBlockingStub(channel);
            String id = stub.createRun(CreateRunRequest.newBuilder().setSpec(deepSea(10, 0)).build()).getRun().getRunId();
            long n = 0;
            var it = stub.streamMetrics(org.dirpg.proto.train.v1.StreamMetricsRequest.newBuilder().setRunId(id).build());
            while (it.hasNext()) {
                assertEquals(n++, it.next().getMetrics().getUpdate());
            }
            assertEquals(10, n);
            assertEquals(RunState.RUN_STATE_SUCCEEDED, stub.getRun(GetRunRequest.newBuilder().setRunId(id).build()).getRun().getState());
        } finally {
            channel.shutdownNow();
            server.stop();
        }
    }

    private static DirpgServer inProcess(String name, byte[] key, Path dir) throws Exception {
        return DirpgServer.builder(InProcessServerBuilder.forName(name)).workers(1).dataDir(dir).tokenKey(key).start();
    }

    @Test
    void theEnvironmentServiceServesEveryNativeEnvironmentAndHonoursTheFleetKey() throws Exception {
        Path keyFile = dir.resolve("fleet.key");
        Files.writeString(keyFile, "  correct-horse-battery-staple\n");
        byte[] key = DirpgServer.readTokenKey(keyFile);
        assertEquals("correct-horse-battery-staple", new String(key, StandardCharsets.US_ASCII));
        Files.writeString(dir.resolve("short.key"), "too-short\n");
        IllegalArgumentException shortKey = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DirpgServer.readTokenKey(dir.resolve("short.key")));
        assertTrue(shortKey.getMessage().startsWith("--token-key-file:"), shortKey.getMessage());

        String a = InProcessServerBuilder.generateName();
        String b = InProcessServerBuilder.generateName();
        String c = InProcessServerBuilder.generateName();
        DirpgServer sa = inProcess(a, key, dir);
        DirpgServer sb = inProcess(b, key, dir);
        DirpgServer sc = inProcess(c, "another-key-of-enough-bytes".getBytes(StandardCharsets.US_ASCII), dir);
        ManagedChannel ca = InProcessChannelBuilder.forName(a).build();
        ManagedChannel cb = InProcessChannelBuilder.forName(b).build();
        ManagedChannel cc = InProcessChannelBuilder.forName(c).build();
        try {
            var envA = EnvironmentServiceGrpc.newBlockingStub(ca);
            assertEquals(Environments.ids(), envA.listEnvironments(ListEnvironmentsRequest.getDefaultInstance())
                    .getEnvironmentsList().stream().map(EnvironmentDescription::getEnvId).toList());
            assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(ca).check(HealthCheckRequest.newBuilder()
                    .setService(EnvironmentServiceGrpc.SERVICE_NAME).build()).getStatus());

            // A token issued by server A steps on server B (same key) exactly as on A, and is refused by C.
            StateView root = envA.resetEnvironment(ResetEnvironmentRequest.newBuilder().setEnvId(DeepSea.ID).setSeed(5)
                    .build()).getState();
            StepBatchRequest step = StepBatchRequest.newBuilder().setEnvId(DeepSea.ID)
                    .addItems(StepItem.newBuilder().setStateToken(root.getStateToken()).setAction(1)).build();
            StepResult onA = envA.stepBatch(step).getResults(0);
            StepResult onB = EnvironmentServiceGrpc.newBlockingStub(cb).stepBatch(step).getResults(0);
            assertEquals(onA, onB);
            assertEquals(-1.0 / 3, onA.getReward(), 1e-12, "DeepSea-v0: RIGHT off the corner pays -1/(N-2)");
            StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> EnvironmentServiceGrpc.newBlockingStub(cc).stepBatch(step));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        } finally {
            for (ManagedChannel ch : List.of(ca, cb, cc)) {
                ch.shutdownNow();
            }
            for (DirpgServer sv : List.of(sa, sb, sc)) {
                sv.stop();
            }
        }
    }

    @Test
    void aRunOnTheServersOwnEnvironmentServiceEqualsTheNativeRun() throws Exception {
        DirpgServer server = DirpgServer.builder(NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())).workers(2).dataDir(dir).start();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                InsecureChannelCredentials.create()).build();
        try {
            TrainerServiceGrpc.TrainerServiceBlockingStub stub = TrainerServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            var spec = deepSea(15, 8);
            String nativeId = stub.createRun(CreateRunRequest.newBuilder().setSpec(spec).build()).getRun().getRunId();
            String remoteId = stub.createRun(CreateRunRequest.newBuilder().setSpec(spec.clone()
                    .setRemoteEnvironment(org.dirpg.proto.train.v1.RemoteEnvironment.newBuilder()
                            .addEndpoints("127.0.0.1:" + server.port()).setEnvId(DeepSea.ID))).build()).getRun().getRunId();
            List<org.dirpg.proto.train.v1.UpdateMetrics> viaNative = new java.util.ArrayList<>();
            List<org.dirpg.proto.train.v1.UpdateMetrics> viaRemote = new java.util.ArrayList<>();
            stub.streamMetrics(org.dirpg.proto.train.v1.StreamMetricsRequest.newBuilder().setRunId(nativeId).build())
                    .forEachRemaining(r -> viaNative.add(r.getMetrics()));
            stub.streamMetrics(org.dirpg.proto.train.v1.StreamMetricsRequest.newBuilder().setRunId(remoteId).build())
                    .forEachRemaining(r -> viaRemote.add(r.getMetrics()));
            var remoteRun = stub.getRun(GetRunRequest.newBuilder().setRunId(remoteId).build()).getRun();
            assertEquals(RunState.RUN_STATE_SUCCEEDED, remoteRun.getState(), remoteRun.getErrorMessage());
            assertEquals(15, viaRemote.size());
            assertEquals(viaNative, viaRemote, "the environment protocol changes nothing about the run");
            StatusRuntimeException unknown = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> stub.createRun(CreateRunRequest.newBuilder().setSpec(spec.clone()
                            .setRemoteEnvironment(org.dirpg.proto.train.v1.RemoteEnvironment.newBuilder()
                                    .addEndpoints("127.0.0.1:" + server.port()).setEnvId("Nope-v0"))).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, unknown.getStatus().getCode());
            assertTrue(unknown.getStatus().getDescription().startsWith("remote_environment: NOT_FOUND from 127.0.0.1:")
                    && unknown.getStatus().getDescription().contains("unknown environment 'Nope-v0'"), unknown.getStatus().toString());
            int closedPort;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closedPort = probe.getLocalPort();
            }
            TrainerServer.assertStatus(Status.Code.UNAVAILABLE, "remote_environment.endpoints:",
                    () -> stub.createRun(CreateRunRequest.newBuilder().setSpec(spec.clone()
                            .setRemoteEnvironment(org.dirpg.proto.train.v1.RemoteEnvironment.newBuilder()
                                    .addEndpoints("127.0.0.1:" + closedPort).setEnvId(DeepSea.ID))).build()));
        } finally {
            channel.shutdownNow();
            server.stop();
        }
    }

    @Test
    void serveCommandAnnouncesTheChosenPortAndServes() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Thread serving;
        String line;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            serving = new Thread(() -> new CommandLine(new ServeCommand()).execute(
                    "--port", "0", "--workers", "1", "--data-dir", dir.toString()), "serve-command");
            // The command blocks until JVM shutdown, whose hook stops the server.
            serving.setDaemon(true);
            serving.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            do {
                Thread.sleep(20);
                line = captured.toString(StandardCharsets.UTF_8);
            } while (!line.contains("\n") && System.nanoTime() < deadline);
        } finally {
            System.setOut(original);
        }
        Matcher m = Pattern.compile("dirpg server listening on 127\\.0\\.0\\.1:(\\d+)\n").matcher(line);
        assertTrue(m.find(), "printed: " + line);
        int port = Integer.parseInt(m.group(1));
        assertTrue(port > 0);
        assertTrue(serving.isAlive(), "serve runs until a signal");
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
        try {
            assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.newBuilder().build()).getStatus());
        } finally {
            channel.shutdownNow();
        }
    }
}
