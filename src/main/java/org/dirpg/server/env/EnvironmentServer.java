package org.dirpg.server.env;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.dirpg.server.auth.AuthInterceptor;
import org.dirpg.server.auth.BindPolicy;
import org.dirpg.server.auth.ServerTls;
import org.dirpg.server.auth.Tokens;

/**
 * A gRPC server around one {@link EnvironmentServiceImpl}, with the standard health service set to SERVING once
 * started.
 *
 * <p>Call order: {@link #start} (port 0 picks a free port, see {@link #port()}); then {@link #blockUntilShutdown()}
 * or {@link #stop()} / {@link #stopNow()}.
 */
public final class EnvironmentServer implements AutoCloseable {
    private final Server server;
    private final HealthStatusManager health;
    private final int port;

    private EnvironmentServer(Server server, HealthStatusManager health) {
        this.server = server;
        this.health = health;
        this.port = server.getPort();
    }

    /**
     * Starts serving {@code service} on {@code port} of the loopback interface only (it has no access control).
     *
     * @param maxMessageBytes the largest request this server accepts
     */
    public static EnvironmentServer start(EnvironmentServiceImpl service, int port, int maxMessageBytes)
            throws IOException {
        return start(service, InetAddress.getLoopbackAddress().getHostAddress(), port, maxMessageBytes, null, null);
    }

    /**
     * Starts serving {@code service} on {@code host:port} over TLS when {@code tls} is given (mutual TLS when it names
     * a client CA: a client certificate is then required) and with bearer tokens checked on every call but health
     * when {@code tokens} is given. Beyond loopback both are required ({@link BindPolicy}).
     *
     * @throws IllegalArgumentException naming what is missing when a non-loopback host lacks TLS or tokens
     */
    public static EnvironmentServer start(EnvironmentServiceImpl service, String host, int port, int maxMessageBytes,
                                          ServerTls tls, Tokens tokens) throws IOException {
        BindPolicy.check(host, tls != null, tokens != null || (tls != null && tls.mutual()));
        HealthStatusManager health = new HealthStatusManager();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port),
                tls != null ? tls.credentials() : InsecureServerCredentials.create());
        if (tokens != null || (tls != null && tls.mutual())) {
            builder.intercept(new AuthInterceptor(tokens, tls != null && tls.mutual(), java.util.Set.of()));
        }
        Server server = builder
                .addService(org.dirpg.server.MalformedRequests.guard(service))
                .addService(org.dirpg.server.MalformedRequests.guard(health.getHealthService()))
                .maxInboundMessageSize(maxMessageBytes)
                .build()
                .start();
        health.setStatus("", ServingStatus.SERVING);
        return new EnvironmentServer(server, health);
    }

    /** The port the server listens (or listened) on. */
    public int port() {
        return port;
    }

    /** Stops accepting calls and waits up to 5 s for calls in flight. */
    public void stop() throws InterruptedException {
        health.enterTerminalState();
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
    }

    /** Stops at once, failing calls in flight (as a crashed server would). */
    public void stopNow() {
        health.enterTerminalState();
        server.shutdownNow();
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
