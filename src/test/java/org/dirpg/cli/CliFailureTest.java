package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures a user can fix print one line that says what is wrong and what would be right, exit non-zero, and show a
 * stack trace only with --verbose (issue #10).
 */
class CliFailureTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static String oneLineFailure(CliRun r, String... fragments) {
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + f + "' not in " + r.err());
        }
        return r.err();
    }

    /** A port nothing listens on: bound, then closed. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void trainOnAnUnreachableRemoteIsOneLine(@TempDir Path dir) throws Exception {
        String endpoint = "127.0.0.1:" + closedPort();
        String[] args = {"train", "--remote", endpoint, "--env", "MiniGrid-MultiRoom-N6-v0", "-n", "1", "--no-progress",
                "--out", dir.toString()};
        oneLineFailure(run(args), "failed: DescribeEnvironment(MiniGrid-MultiRoom-N6-v0) failed", endpoint + " (UNAVAILABLE",
                "start an environment server there", "or fix --remote");

        String[] verbose = new String[args.length + 1];
        verbose[0] = "--verbose";
        System.arraycopy(args, 0, verbose, 1, args.length);
        CliRun traced = run(verbose);
        assertEquals(1, traced.code());
        assertTrue(traced.err().contains("RemoteUnavailableException") && traced.err().contains("\tat "), traced.err());
    }

    @Test
    void serveOnABusyPortIsOneLine(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            String[] args = {"serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--checkpoint-dir", dir.toString(), "--data-dir", dir.resolve("data").toString()};
            oneLineFailure(run(args), "failed: cannot listen on 127.0.0.1:" + port + ": the port is already in use",
                    "choose another --port (0 picks a free one)");
            String[] verbose = {"serve", "--verbose", "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--checkpoint-dir", dir.toString(), "--data-dir", dir.resolve("data").toString()};
            assertTrue(run(verbose).err().contains("\tat "), "--verbose after the subcommand prints the trace too");
        }
    }

    @Test
    void serveBeyondLoopbackWithoutTlsIsOneLine(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("tokens"), "alice alice-token-0123456789\n");
        CliRun r = run("serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--tokens-file", dir.resolve("tokens").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("--host 0.0.0.0: refusing to serve beyond loopback without TLS; give --tls-cert "
                + "and --tls-key, or bind 127.0.0.1"), r.err());
        CliRun half = run("serve", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--tls-key",
                dir.resolve("tokens").toString());
        assertEquals(2, half.code(), half.err());
        assertTrue(half.err().contains("--tls-cert: required with --tls-key"), half.err());
    }
}
