package org.dirpg.cli;

import io.grpc.InsecureServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dirpg.server.DirpgServer;
import org.dirpg.server.auth.BindPolicy;
import org.dirpg.server.auth.ServerTls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dirpg serve}: runs the DirPG server (trainer service, the native environments over the environment protocol,
 * health, reflection) until SIGTERM or SIGINT, which stop it gracefully (runs stop between updates and write
 * checkpoints).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the DirPG trainer service over gRPC until SIGTERM/SIGINT.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "50051", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--workers", defaultValue = "4", description = "Runs that update at the same time (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--data-dir", defaultValue = "runs/server",
            description = "Where the run store (runs.db: runs, their state and metrics) lives; a server restarted on "
                    + "the same directory lists every run and continues the unfinished ones (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--checkpoint-dir",
            description = "Where checkpoints are written and read (default: <data-dir>/checkpoints).")
    Path checkpointDir;

    @picocli.CommandLine.Mixin
    LimitOptions limits;

    @Option(names = "--tokens-file",
            description = "Bearer tokens the server accepts, one 'NAME TOKEN [admin]' per line (or the same text in "
                    + "the environment variable DIRPG_TOKENS). Beyond loopback this or --tls-client-ca is required.")
    Path tokensFile;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve over TLS (with --tls-key). Required "
            + "unless --host is a loopback address.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM PKCS#8 private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-client-ca", description = "PEM CA certificates: require client certificates signed by them "
            + "(mutual TLS); a caller without a token is identified by its certificate's subject CN.")
    Path tlsClientCa;

    @Option(names = "--admin-cn", split = ",", description = "Client certificate CNs that are admins (see and control "
            + "every run); repeatable or comma-separated.")
    java.util.List<String> adminCns = new java.util.ArrayList<>();

    @picocli.CommandLine.Mixin
    RemoteCredentialOptions remoteCredentials;

    @Option(names = "--env", split = ",", description = "A user's environment class to offer beside the native "
            + "environments (java -cp dirpg.jar:your.jar org.dirpg.cli.Main serve --env com.example.MyEnv): runs may "
            + "name it as their native_environment, and the environment service serves it when it is an "
            + "EncodableEnvironment. Environments of EnvironmentProviders on the class path are offered without it. "
            + "Repeatable or comma-separated.")
    java.util.List<String> userEnvs = new java.util.ArrayList<>();

    @Option(names = "--remote-allow", split = ",",
            description = "Remote environment endpoints runs may name: host:port, host:* or a full target such as "
                    + "dns:///minigrid:50061 (repeatable or comma-separated). Default: loopback host:port only.")
    java.util.List<String> remoteAllow = new java.util.ArrayList<>();

    @Option(names = "--remote-credentials-for", split = ",",
            description = "The endpoints (as --remote-allow) the fleet credentials (--remote-token-file, --remote-cert) "
                    + "are sent to; a run naming any other is refused. Default: the --remote-allow entries (none when "
                    + "there are none: the token never goes to an arbitrary loopback port).")
    java.util.List<String> remoteCredentialsFor;

    @Option(names = "--remote-retry-budget", defaultValue = "PT60S",
            description = "How long a run keeps retrying its environment fleet (with backoff) before it fails, "
                    + "ISO-8601 (default: ${DEFAULT-VALUE}).")
    java.time.Duration remoteRetryBudget;

    @Option(names = "--token-key-file",
            description = "HMAC key of the environment service's state tokens (>= 16 bytes; share it across a fleet). "
                    + "Default: a random key, so tokens only work on this process.")
    Path tokenKeyFile;

    @Option(names = "--max-batch-items", defaultValue = "4096",
            description = "Items one StepBatch of the environment service may hold (default: ${DEFAULT-VALUE}).")
    int maxBatchItems;

    @Option(names = "--max-message-bytes", defaultValue = "16777216",
            description = "Largest request the server accepts (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port: must be in [0, 65535], got " + port);
        }
        ServerTls tls = null;
        if (tlsCert != null || tlsKey != null || tlsClientCa != null) {
            if (tlsCert == null || tlsKey == null) {
                throw new IllegalArgumentException((tlsCert == null ? "--tls-cert" : "--tls-key")
                        + ": required with " + (tlsCert == null ? "--tls-key" : "--tls-cert")
                        + (tlsClientCa != null ? " and --tls-client-ca" : "") + " (TLS needs the certificate and its key)");
            }
            tls = new ServerTls(tlsCert, tlsKey, tlsClientCa);
        }
        if (!adminCns.isEmpty() && (tls == null || !tls.mutual())) {
            throw new IllegalArgumentException("--admin-cn: names client certificates, so it needs --tls-client-ca");
        }
        for (String name : userEnvs) {
            org.dirpg.env.classic.Environments.registerClass(name);
        }
        DirpgServer.Builder builder = DirpgServer.builder(NettyServerBuilder.forAddress(new InetSocketAddress(host, port),
                        tls != null ? tls.credentials() : InsecureServerCredentials.create()))
                .workers(workers)
                .dataDir(dataDir)
                .checkpointDir(checkpointDir)
                .limits(limits.toLimits())
                .remoteOptions(org.dirpg.env.remote.RemoteOptions.defaults().withRetryBudget(remoteRetryBudget)
                        .withCredentials(remoteCredentials.toCredentials()))
                .maxMessageBytes(maxMessageBytes)
                .maxBatchItems(maxBatchItems);
        if (tokenKeyFile != null) {
            builder.tokenKey(DirpgServer.readTokenKey(tokenKeyFile));
        }
        org.dirpg.server.auth.Tokens tokens = null;
        if (tokensFile != null) {
            tokens = org.dirpg.server.auth.Tokens.read(tokensFile);
        } else if (System.getenv("DIRPG_TOKENS") != null) {
            tokens = org.dirpg.server.auth.Tokens.parse(System.getenv("DIRPG_TOKENS"), "DIRPG_TOKENS");
        }
        boolean mutual = tls != null && tls.mutual();
        BindPolicy.check(host, tls != null, tokens != null || mutual);
        builder.tokens(tokens).allowList(new org.dirpg.server.auth.EndpointAllowList(remoteAllow));
        if (remoteCredentialsFor != null) {
            builder.credentialEndpoints(new org.dirpg.server.auth.EndpointAllowList(remoteCredentialsFor, false));
        }
        if (mutual) {
            builder.clientCertificates(adminCns);
        }
        DirpgServer server;
        try {
            server = builder.start();
        } catch (IOException e) {
            throw bindFailure(e);
        }
        // After the bind, so that a failure to start stays the one line on stderr.
        System.err.println(BindPolicy.notice("dirpg server", host, tls != null, mutual, tokens != null));
        server.installShutdownHook();
        System.out.println("dirpg server listening on " + host + ":" + server.port());
        System.out.flush();
        server.blockUntilShutdown();
        return 0;
    }

    /**
     * A failed bind as one line: a busy port (the usual case) says so and how to pick another. Netty reports it as a
     * BindException or, with its native transport, a plain IOException, so the cause chain's messages decide.
     */
    private CommandFailure bindFailure(IOException e) {
        String cause = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            cause = t.getMessage();
            if (String.valueOf(cause).toLowerCase(Locale.ROOT).contains("in use")) {
                return new CommandFailure("cannot listen on " + host + ":" + port + ": the port is already in use "
                        + "(another server listens there); stop that server or choose another --port (0 picks a "
                        + "free one)", e);
            }
        }
        return new CommandFailure("cannot listen on " + host + ":" + port + ": " + cause
                + "; check --host (an address of this machine, or 0.0.0.0) and --port", e);
    }
}
