package org.dirpg.env.remote;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Metadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.server.env.EnvironmentServiceImpl;

/**
 * Real env servers on 127.0.0.1 sharing one token key, each counting the calls it served and optionally
 * delaying each call (a slow replica).
 */
final class LoopbackFleet implements AutoCloseable {
    static final byte[] KEY = "LoopbackFleet key shared by replicas".getBytes();

    final List<Server> servers = new ArrayList<>();
    final List<AtomicInteger> calls = new ArrayList<>();

    /** Starts a replica; {@code delayMillis} > 0 makes it sleep before each call. */
    LoopbackFleet add(List<? extends EncodableEnvironment> envs, byte[] key, int maxMessageBytes, long delayMillis)
            throws IOException {
        AtomicInteger count = new AtomicInteger();
        ServerInterceptor counting = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                count.incrementAndGet();
                if (delayMillis > 0) {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return next.startCall(call, headers);
            }
        };
        EnvironmentServiceImpl service = new EnvironmentServiceImpl(envs, key, servers.size());
        servers.add(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(service, counting))
                .maxInboundMessageSize(maxMessageBytes)
                .build().start());
        calls.add(count);
        return this;
    }

    LoopbackFleet add(List<? extends EncodableEnvironment> envs) throws IOException {
        return add(envs, KEY, RemoteOptions.DEFAULT_MAX_MESSAGE_BYTES, 0);
    }

    EndpointList endpoints() {
        return new EndpointList(servers.stream().map(s -> new EndpointList.Endpoint("127.0.0.1", s.getPort())).toList());
    }

    int totalCalls() {
        return calls.stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public void close() {
        servers.forEach(Server::shutdownNow);
    }
}
