package org.dirpg.env.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Python env server ({@code python -m dirpg.envserver}, {@link PythonEnvServerProcess}) for a test, started
 * from {@code python-client/.venv} (made by {@code scripts/setup-python.sh}); the directory can be moved with the
 * system property {@code dirpg.pythonClient}. Its stderr goes to {@code target/python-envserver-*.log}.
 */
final class PythonEnvServer implements AutoCloseable {
    private final PythonEnvServerProcess process;
    final EndpointList.Endpoint endpoint;

    private PythonEnvServer(PythonEnvServerProcess process) {
        this.process = process;
        this.endpoint = process.endpoint();
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
        Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "python-envserver-", ".log");
        return new PythonEnvServer(PythonEnvServerProcess.start(python, clientDir(), log, key, envId, List.of(extra)));
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
