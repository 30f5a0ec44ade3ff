package org.dirpg.env.remote;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a client proves itself to env servers and trusts them: TLS with a root CA (and, for mutual TLS, a client
 * certificate and key), and a bearer token sent as {@code authorization: Bearer TOKEN} on every call. Every part is
 * optional; {@link #NONE} is plaintext without a token (loopback servers).
 *
 * @param rootCa     PEM file of the CA that signed the servers' certificates; null = plaintext
 * @param clientCert PEM certificate chain presented for mutual TLS; null = none (needs {@code rootCa})
 * @param clientKey  PEM PKCS#8 private key of {@code clientCert}
 * @param token      bearer token; null = none
 */
public record RemoteCredentials(Path rootCa, Path clientCert, Path clientKey, String token) {
    public static final RemoteCredentials NONE = new RemoteCredentials(null, null, null, null);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    public RemoteCredentials {
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("client certificate and key: give both (mutual TLS) or neither, got "
                    + (clientCert == null ? "a key without a certificate" : "a certificate without a key"));
        }
        if (clientCert != null && rootCa == null) {
            throw new IllegalArgumentException("client certificate: mutual TLS needs the servers' root CA too");
        }
        for (Path p : new Path[] {rootCa, clientCert, clientKey}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("TLS file " + p + " does not exist or is not readable");
            }
        }
        if (token != null) {
            token = token.strip();
            if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("bearer token: must be non-empty printable ASCII without spaces");
            }
        }
    }

    /** A token read from {@code file} (its text, surrounding whitespace removed). */
    public static String readToken(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    /** Whether calls go over TLS. */
    public boolean tls() {
        return rootCa != null;
    }

    /** The channel credentials: TLS trusting {@link #rootCa} (with the client key for mutual TLS), or plaintext. */
    public ChannelCredentials channelCredentials() {
        if (rootCa == null) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(rootCa.toFile());
            if (clientCert != null) {
                b.keyManager(clientCert.toFile(), clientKey.toFile());
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("TLS client credentials (" + rootCa
                    + (clientCert != null ? ", " + clientCert + ", " + clientKey : "") + "): " + e.getMessage()
                    + "; expected PEM files (certificates, and a PKCS#8 'BEGIN PRIVATE KEY' key)", e);
        }
    }

    /** Interceptors that attach the token to every call (none without a token). */
    public ClientInterceptor[] interceptors() {
        if (token == null) {
            return new ClientInterceptor[0];
        }
        Metadata h = new Metadata();
        h.put(AUTHORIZATION, "Bearer " + token);
        return new ClientInterceptor[] {MetadataUtils.newAttachHeadersInterceptor(h)};
    }

    @Override
    public String toString() {  // never the token
        return "RemoteCredentials[tls=" + tls() + ", clientCert=" + clientCert + ", token=" + (token != null ? "set" : "none") + "]";
    }
}
