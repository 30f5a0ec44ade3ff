package org.dirpg.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.classic.Environments;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;
import org.dirpg.server.env.EnvironmentServiceImpl;
import org.dirpg.server.env.StateTokens;
import org.dirpg.env.remote.RemoteOptions;
import org.dirpg.server.auth.AuthInterceptor;
import org.dirpg.server.auth.EndpointAllowList;
import org.dirpg.server.auth.Tokens;
import org.dirpg.server.train.RunManager;
import org.dirpg.server.train.ServerLimits;
import org.dirpg.server.train.TrainerServiceImpl;

/**
 * The DirPG server: the trainer service (training runs on a bounded worker pool), the environment service serving
 * every native environment (with default options) over the environment protocol, the standard gRPC health service
 * (SERVING once started, for the whole server and for each service) and server reflection.
 *
 * <p>Call order, as in the grpc-java examples: {@link #builder(ServerBuilder)} with a server builder that fixes the
 * transport and address (tests pass an in-process builder or a loopback port); {@link #start()};
 * optionally {@link #installShutdownHook()}; then {@link #blockUntilShutdown()} or {@link #stop()}. Stopping is
 * graceful: the health service turns NOT_SERVING, every run stops between two updates, running runs write a
 * checkpoint, then the transport shuts down.
 */
public final class DirpgServer {
    private final Server server;
    private final RunManager runs;
    private final HealthStatusManager health;
    private boolean stopped;

    private DirpgServer(Server server, RunManager runs, HealthStatusManager health) {
        this.server = server;
        this.runs = runs;
        this.health = health;
    }

    /** A builder that adds the services to {@code transport}. */
    public static Builder builder(ServerBuilder<?> transport) {
        return new Builder(transport);
    }

    /** Settings of a server; every field holds its default. */
    public static final class Builder {
        private final ServerBuilder<?> transport;
        /** Runs updating at the same time; default 4. */
        private int workers = 4;
        /** Where the run store (runs.db) lives; default runs/server. */
        private Path dataDir = Path.of("runs", "server");
        /** Where checkpoints go; default null = {@code <dataDir>/checkpoints}. */
        private Path checkpointDir;
        /** What one request may ask for. */
        private ServerLimits limits = ServerLimits.defaults();
        /** Accepted bearer tokens; default null = none (serve allows no authentication on loopback only). */
        private Tokens tokens;
        /**
         * Whether a verified client certificate (mutual TLS, configured on the transport) identifies its caller by
         * its subject CN; default false.
         */
        private boolean clientCertificates;
        /** Certificate CNs that are admins; default none. */
        private java.util.Set<String> adminNames = java.util.Set.of();
        /** Remote environment endpoints runs may name; default loopback host:port only. */
        private EndpointAllowList allowList = new EndpointAllowList(List.of());
        private EndpointAllowList credentialEndpoints;
        /** How runs call remote environment fleets; default {@link RemoteOptions#defaults()} (60 s retry budget). */
        private RemoteOptions remote = RemoteOptions.defaults();
        /** Largest request accepted; default 16 MiB (batched Act calls and checkpoint bytes can be large). */
        private int maxMessageBytes = 16 << 20;
        /** HMAC key of the environment service's state tokens; default null = a random key for this process. */
        private byte[] tokenKey;
        /** Seeds the environment service's resets that come without a seed; default 0. */
        private long envSeed;
        /** Items one StepBatch of the environment service may hold; default 4096. */
        private int maxBatchItems = EnvironmentServiceImpl.DEFAULT_MAX_BATCH_ITEMS;

        private Builder(ServerBuilder<?> transport) {
            this.transport = transport;
        }

        public Builder workers(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("workers: must be at least 1, got " + v);
            }
            workers = v;
            return this;
        }

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder limits(ServerLimits v) {
            limits = v;
            return this;
        }

        public Builder tokens(Tokens v) {
            tokens = v;
            return this;
        }

        /**
         * Identify callers without a token by their client certificate's subject CN ({@code adminNames} are admins).
         * The transport must require client certificates (mutual TLS, {@link org.dirpg.server.auth.ServerTls}).
         */
        public Builder clientCertificates(java.util.Collection<String> adminNames) {
            clientCertificates = true;
            this.adminNames = java.util.Set.copyOf(adminNames);
            return this;
        }

        /**
         * The endpoints the fleet credentials of {@link #remoteOptions} are sent to (runs naming others are refused
         * while there are such credentials); default: the allow-list's explicit entries, none when it has none.
         */
        public Builder credentialEndpoints(EndpointAllowList v) {
            credentialEndpoints = v;
            return this;
        }

        public Builder allowList(EndpointAllowList v) {
            allowList = v;
            return this;
        }

        public Builder remoteOptions(RemoteOptions v) {
            remote = v;
            return this;
        }

        public Builder checkpointDir(Path v) {
            checkpointDir = v;
            return this;
        }

        public Builder maxMessageBytes(int v) {
            if (v < 1024) {
                throw new IllegalArgumentException("max message bytes: must be at least 1024, got " + v);
            }
            maxMessageBytes = v;
            return this;
        }

        /** The fleet's state-token key (at least {@link StateTokens#MIN_KEY_BYTES} bytes). */
        public Builder tokenKey(byte[] v) {
            if (v.length < StateTokens.MIN_KEY_BYTES) {
                throw new IllegalArgumentException("token key: needs at least " + StateTokens.MIN_KEY_BYTES
                        + " bytes, got " + v.length);
            }
            tokenKey = v.clone();
            return this;
        }

        public Builder maxBatchItems(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("--max-batch-items: must be at least 1, got " + v);
            }
            maxBatchItems = v;
            return this;
        }

        public Builder envSeed(long v) {
            envSeed = v;
            return this;
        }

        /** Builds and starts the server; health turns SERVING once it listens. */
        public DirpgServer start() throws IOException {
            RunManager runs = new RunManager(workers, dataDir,
                    checkpointDir != null ? checkpointDir : dataDir.resolve("checkpoints"), limits, remote, allowList);
            runs.credentialEndpoints(credentialEndpoints != null ? credentialEndpoints : allowList.explicitOnly());
            HealthStatusManager health = new HealthStatusManager();
            if (tokens != null || clientCertificates) {
                transport.intercept(new AuthInterceptor(tokens, clientCertificates, adminNames));
            }
            transport.maxInboundMessageSize(maxMessageBytes)
                    .addService(MalformedRequests.guard(new TrainerServiceImpl(runs)))
                    .addService(MalformedRequests.guard(new EnvironmentServiceImpl(nativeEnvironments(),
                            tokenKey != null ? tokenKey : StateTokens.randomKey(), envSeed, maxBatchItems)))
                    .addService(MalformedRequests.guard(health.getHealthService()))
                    .addService(ProtoReflectionServiceV1.newInstance());
            Server server = transport.build().start();
            health.setStatus("", ServingStatus.SERVING);
            health.setStatus(TrainerServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
            health.setStatus(EnvironmentServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
            return new DirpgServer(server, runs, health);
        }
    }

    /**
     * Every environment of {@link Environments} with its default options: the native ones, and those of providers or
     * {@code serve --env} whose states can be encoded (the others are only for training runs, not for the
     * environment protocol, which hands out state tokens).
     */
    static List<EncodableEnvironment> nativeEnvironments() {
        List<EncodableEnvironment> out = new ArrayList<>();
        java.util.Set<String> nativeIds = java.util.Set.copyOf(org.dirpg.env.classic.Environments.nativeIds());
        for (String id : Environments.ids()) {
            Environment env = Environments.make(id);
            if (!(env instanceof EncodableEnvironment e)) {
                if (!nativeIds.contains(id)) {
                    continue;
                }
                throw new IllegalStateException("native environment " + id + " cannot encode its states for the "
                        + "environment protocol");
            }
            out.add(e);
        }
        return out;
    }

    /** Reads a state-token key file as the Python env servers do: its bytes with surrounding whitespace removed. */
    public static byte[] readTokenKey(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        int from = 0;
        int to = raw.length;
        while (from < to && Character.isWhitespace(raw[from])) {
            from++;
        }
        while (to > from && Character.isWhitespace(raw[to - 1])) {
            to--;
        }
        byte[] key = Arrays.copyOfRange(raw, from, to);
        if (key.length < StateTokens.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("--token-key-file: " + file + " holds " + key.length
                    + " bytes; it needs at least " + StateTokens.MIN_KEY_BYTES);
        }
        return key;
    }

    /** The port the server listens on (the chosen one when started on port 0); -1 for in-process transports. */
    public int port() {
        return server.getPort();
    }

    /** The runs this server hosts. */
    public RunManager runs() {
        return runs;
    }

    /** Where runs write checkpoints. */
    public Path checkpointDirectory() {
        return runs.checkpointDirectory();
    }

    /** Stops the server on JVM shutdown (SIGTERM, SIGINT), gracefully. */
    public void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dirpg-server-shutdown"));
    }

    /**
     * Graceful stop: NOT_SERVING and no new calls, then every run stops (running ones write a checkpoint and stay
     * RUNNING in the run store, so the next server on the same data directory continues them; their metric streams
     * end UNAVAILABLE "server shutting down; run will resume"), then calls in flight get up to 5 s to finish.
     * Idempotent.
     */
    public void stop() throws InterruptedException {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        health.enterTerminalState();
        server.shutdown();
        runs.shutdown(30_000);
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Waits until the transport has terminated. */
    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }
}
