package org.dirpg.server.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.proto.train.v1.CreateRunRequest;
import org.dirpg.proto.train.v1.RemoteEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run naming a loopback port learns nothing about what listens there: a closed port, an open port that does not speak
 * gRPC and a gRPC server without the environment service give the caller one and the same answer (the detail goes to
 * the server's log), so CreateRun is no port scanner.
 */
class EndpointProbeTest {
    @TempDir
    Path dir;

    @Test
    void closedPortsNonGrpcPortsAndOtherGrpcServersLookTheSame() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        ServerSocket garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread talker = new Thread(() -> {
            while (!garbage.isClosed()) {
                try (Socket s = garbage.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("HTTP/1.0 400 not grpc\r\n\r\n".getBytes());
                } catch (Exception e) {
                    return;
                }
            }
        });
        talker.setDaemon(true);
        talker.start();
        Server healthOnly = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new HealthStatusManager().getHealthService()).build().start();
        try (TrainerServer s = new TrainerServer(1, dir)) {
            List<String> answers = new ArrayList<>();
            for (int port : new int[] {closed, garbage.getLocalPort(), healthOnly.getPort()}) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> s.create(
                        TrainerServer.deepSea(3, 1).setRemoteEnvironment(RemoteEnvironment.newBuilder()
                                .setEnvId(DeepSea.ID).addEndpoints("127.0.0.1:" + port)).build()));
                answers.add(e.getStatus().getCode() + ": " + e.getStatus().getDescription().replace(
                        String.valueOf(port), "PORT"));
            }
            assertEquals(List.of(answers.get(0), answers.get(0), answers.get(0)), answers);
            assertEquals("UNAVAILABLE: remote_environment.endpoints: no environment server answered at 127.0.0.1:PORT "
                    + "(the trainer's log has the detail)", answers.get(0));
        } finally {
            garbage.close();
            healthOnly.shutdownNow();
        }
    }
}
