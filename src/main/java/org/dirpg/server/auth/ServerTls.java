package org.dirpg.server.auth;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

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
            certificates("--tls-client-ca", clientCa);
        }
        X509Certificate leaf = certificates("--tls-cert", certChain).get(0);
        requireMatch(leaf, privateKey(key), certChain, key);
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

    private static List<X509Certificate> certificates(String option, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
            return out;
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(option + ": " + file + " holds no valid PEM X.509 certificate ("
                    + e.getMessage() + ")");
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-key: cannot read " + file + " (" + e.getMessage() + ")");
        }
        int from = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int to = text.indexOf("-----END PRIVATE KEY-----");
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(from + 27, to));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--tls-key: " + file + " holds a damaged PEM block (" + e.getMessage() + ")");
        }
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Try the next algorithm.
            }
        }
        throw new IllegalArgumentException("--tls-key: " + file + " is not an EC, RSA or Ed25519 PKCS#8 private key");
    }

    /** Refuses a key that is not the private key of {@code leaf} (a TLS handshake would fail on every call). */
    private static void requireMatch(X509Certificate leaf, PrivateKey key, Path certFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        boolean match;
        try {
            byte[] probe = "dirpg tls key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] sig = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(leaf.getPublicKey());
            verify.update(probe);
            match = verify.verify(sig);
        } catch (GeneralSecurityException e) {
            match = false;
        }
        if (!match) {
            throw new IllegalArgumentException("--tls-key: " + keyFile + " is not the private key of the certificate in "
                    + certFile + " (" + leaf.getSubjectX500Principal().getName() + "); give the key it was issued for");
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
