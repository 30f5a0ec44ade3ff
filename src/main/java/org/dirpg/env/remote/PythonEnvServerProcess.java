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

/**
 * The project's Python env server ({@code python -m dirpg.envserver}) as a child process on a free loopback port:
 * what an experiment over Python-served environments starts for each environment, and what the tests start.
 *
 * <p>Call order: {@link #start} (blocks until the server printed its address, at most 90 s), {@link #endpoint} for
 * the run's {@code --remote}, then {@link #close} (kills the process). The server's stderr goes to {@code log}.
 */
public final class PythonEnvServerProcess implements AutoCloseable {
    private static final String READY = "dirpg envserver listening on ";
    private final Process process;
    private final EndpointList.Endpoint endpoint;

    private PythonEnvServerProcess(Process process, EndpointList.Endpoint endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Starts {@code python -m dirpg.envserver --env envId --host 127.0.0.1 --port 0 --workers 2 extra...} in
     * {@code workDir}, with the fleet token key {@code tokenKey} (null: the server's own random key).
     *
     * @throws IOException if the interpreter is missing or the server does not report its address within 90 s
     */
    public static PythonEnvServerProcess start(Path python, Path workDir, Path log, String tokenKey, String envId,
                                               List<String> extra) throws IOException {
        if (!Files.isExecutable(python)) {
            throw new IOException("no Python env server: " + python + " is not an executable interpreter; run "
                    + "scripts/setup-python.sh, or name one that has the dirpg package installed");
        }
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "-m", "dirpg.envserver", "--env", envId,
                "--host", "127.0.0.1", "--port", "0", "--workers", "2"));
        cmd.addAll(extra);
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (tokenKey != null) {
            pb.environment().put("DIRPG_TOKEN_KEY", tokenKey);
        }
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
            throw new IOException("Python env server for " + envId + " did not report its address within 90 s; see "
                    + log, e);
        }
        if (line == null || !line.startsWith(READY)) {
            p.destroyForcibly();
            throw new IOException("Python env server for " + envId + " printed '" + line + "' instead of its address; "
                    + "see " + log);
        }
        return new PythonEnvServerProcess(p, EndpointList.parse(line.substring(READY.length()).strip()).endpoints().get(0));
    }

    /** The server's loopback endpoint. */
    public EndpointList.Endpoint endpoint() {
        return endpoint;
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
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
