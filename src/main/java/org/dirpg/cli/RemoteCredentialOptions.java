package org.dirpg.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.dirpg.env.remote.RemoteCredentials;
import picocli.CommandLine.Option;

/**
 * How a command reaches env servers that require TLS and a bearer token: the CA to trust, a client certificate for
 * mutual TLS, and the token, read from a file or the environment variable DIRPG_REMOTE_TOKEN (never from the command
 * line, where any local user could read it in the process list).
 */
public final class RemoteCredentialOptions {
    /** The environment variable holding the env servers' bearer token. */
    public static final String TOKEN_ENV = "DIRPG_REMOTE_TOKEN";

    @Option(names = "--remote-ca", description = "PEM CA certificate(s) of the env servers: call them over TLS.")
    Path ca;

    @Option(names = "--remote-cert", description = "PEM client certificate for env servers that require mutual TLS "
            + "(with --remote-key and --remote-ca).")
    Path cert;

    @Option(names = "--remote-key", description = "PEM PKCS#8 private key of --remote-cert.")
    Path key;

    @Option(names = "--remote-token-file", description = "File holding the env servers' bearer token (default: the "
            + "environment variable " + TOKEN_ENV + ", if set).")
    Path tokenFile;

    /** The credentials these options give ({@link RemoteCredentials#NONE} when none is set). */
    RemoteCredentials toCredentials() throws IOException {
        String token = null;
        if (tokenFile != null) {
            if (!java.nio.file.Files.isReadable(tokenFile)) {
                throw new IllegalArgumentException("--remote-token-file: no readable file at " + tokenFile
                        + "; it should hold the env servers' bearer token");
            }
            try {
                token = RemoteCredentials.readToken(tokenFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("--remote-token-file: cannot read " + tokenFile + " ("
                        + e.getMessage() + ")");
            }
            if (token.isEmpty()) {
                throw new IllegalArgumentException("--remote-token-file: " + tokenFile + " is empty; it should hold the token");
            }
        } else if (System.getenv(TOKEN_ENV) != null && !System.getenv(TOKEN_ENV).isBlank()) {
            token = System.getenv(TOKEN_ENV);
        }
        readable("--remote-ca", ca);
        readable("--remote-cert", cert);
        readable("--remote-key", key);
        if (cert != null && ca == null) {
            throw new IllegalArgumentException("--remote-cert: mutual TLS needs --remote-ca too (the servers' CA)");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(cert == null ? "--remote-key: needs --remote-cert" : "--remote-cert: needs --remote-key");
        }
        return new RemoteCredentials(ca, cert, key, token);
    }

    private static void readable(String option, Path file) {
        if (file != null && !java.nio.file.Files.isReadable(file)) {
            throw new IllegalArgumentException(option + ": no readable file at " + file + "; expected a PEM file");
        }
    }
}
