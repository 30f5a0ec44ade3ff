package org.dirpg.env.remote;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Python env server ({@code python -m dirpg.envserver}) as a subprocess of the test, started from
 * {@code python-client/.venv} (made by {@code scripts/setup-python.sh}); the directory can be moved with the system
 * property {@code dirpg.pythonClient}. Its stderr goes to {@code target/python-envserver-PORT.log}.
 */
final class PythonEnvServer implements AutoCloseable {
    private final Process process;
    final EndpointList.Endpoint endpoint;

    private PythonEnvServer(Process process, EndpointList.Endpoint endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static Path clientDir() {
        return Path.of(System.getProperty("dirpg.pythonClient", "python-client")).toAbsolutePath();
    }

    /** Skips the calling test, saying how to enable it, when the venv does not exist. */
    static Path requirePython() {
        Path python = clientDir().resolve(".venv/bin/python");
        Assumptions.assumeTrue(Files.isExecutable(python), "no Python env server: " + python + " does not exist;"
                + " run scripts/setup-python.sh (the README's test command runs it before Maven)");
        return python;
    }

    /** Starts a server for {@code envId} on a free loopback port with fleet key {@code key}. */
    static PythonEnvServer start(String envId, String key, String... extra) throws IOException {
        Path python = requirePython();
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "-m", "dirpg.envserver", "--env", envId,
                "--host", "127.0.0.1", "--port", "0", "--workers", "2"));
        cmd.addAll(List.of(extra));
        Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "python-envserver-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(clientDir().toFile())
                .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("DIRPG_TOKEN_KEY", key);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(90, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("Python env server did not report its address within 90 s; see " + log, e);
        }
        String prefix = "dirpg envserver listening on ";
        if (line == null || !line.startsWith(prefix)) {
            p.destroyForcibly();
            throw new IOException("Python env server printed '" + line + "' instead of its address; see " + log);
        }
        return new PythonEnvServer(p, EndpointList.parse(line.substring(prefix.length()).strip()).endpoints().get(0));
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
