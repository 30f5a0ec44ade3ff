package org.dirpg.server.auth;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TLS files of a server: its certificate chain and private key, and optionally the CA whose client certificates
 * it requires (mutual TLS; the certificate's subject CN is then the caller's identity, see {@link AuthInterceptor}).
 * Checked when built, so a wrong file is one line naming the option and what was expected.
 *
 * @param certChain PEM certificate chain ({@code --tls-cert})
 * @param key       PEM PKCS#8 private key ({@code --tls-key})
 * @param clientCa  PEM CA certificates client certificates must chain to ({@code --tls-client-ca}); null = no mTLS
 */
public record ServerTls(Path certChain, Path key, Path clientCa) {
    public ServerTls {
        pem("--tls-cert", certChain, "CERTIFICATE");
        pem("--tls-key", key, "PRIVATE KEY");
        if (clientCa != null) {
            pem("--tls-client-ca", clientCa, "CERTIFICATE");
        }
    }

    /** Whether clients must present a certificate signed by {@link #clientCa}. */
    public boolean mutual() {
        return clientCa != null;
    }

    /** grpc's TLS server credentials for these files (netty's TLS, as grpc-netty-shaded builds it). */
    public ServerCredentials credentials() {
        try {
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(certChain.toFile(), key.toFile());
            if (clientCa != null) {
                b.trustManager(clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--tls-cert/--tls-key: cannot use " + certChain + " and " + key + ": "
                    + e.getMessage() + "; expected a PEM certificate chain and its PEM PKCS#8 private key", e);
        }
    }

    /** Refuses a missing file, or one without the PEM block expected, with the option's name. */
    private static void pem(String option, Path file, String block) {
        if (file == null) {
            throw new IllegalArgumentException(option + ": required (a PEM file)");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(option + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
        if (block.equals("PRIVATE KEY") && (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY"))) {
            throw new IllegalArgumentException(option + ": " + file + " is a PKCS#1/SEC1 key; gRPC needs PKCS#8 "
                    + "('BEGIN PRIVATE KEY'): convert it with openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
        }
        if (!text.contains("-----BEGIN " + block + "-----")) {
            throw new IllegalArgumentException(option + ": " + file + " holds no PEM '" + block + "' block; expected "
                    + (block.equals("PRIVATE KEY") ? "an unencrypted PKCS#8 private key" : "PEM certificates"));
        }
    }
}
