package org.dirpg.server.auth;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA, a server certificate for localhost/127.0.0.1 and client certificates (CN alice, bob; "twocn" with
 * subject /CN=carol/CN=bob), made at test
 * time by {@code scripts/make-certs.sh} (openssl). Tests that need them are skipped, with the reason, where openssl
 * is missing.
 */
public record TestCertificates(Path dir) {
    public Path ca() {
        return dir.resolve("ca.crt");
    }

    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path cert(String client) {
        return dir.resolve(client + ".crt");
    }

    public Path key(String client) {
        return dir.resolve(client + ".key");
    }

    /** Makes the certificates under {@code dir}. */
    public static TestCertificates make(Path dir) throws Exception {
        Process which = new ProcessBuilder("sh", "-c", "command -v openssl").start();
        assumeTrue(which.waitFor() == 0, "openssl is not installed: the TLS tests need it to make certificates");
        ProcessBuilder pb = new ProcessBuilder("bash", "scripts/make-certs.sh", dir.toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("SUBJECTS", "twocn:/CN=carol/CN=bob"); // a subject that names two identities
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/make-certs.sh failed: " + out);
        }
        return new TestCertificates(dir);
    }
}
