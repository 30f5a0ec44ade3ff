package org.dirpg.server.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.NoSuchElementException;
import org.dirpg.train.Checkpoint;

/**
 * The server's checkpoint directory: run {@code r}'s checkpoint after {@code n} updates is
 * {@code <dir>/<r>/update-<n>.json}, written atomically (a temporary file moved into place). Clients may only name
 * files inside the directory, so a request cannot make the server read arbitrary files.
 */
final class CheckpointStore {
    private final Path dir;

    CheckpointStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path directory() {
        return dir;
    }

    /** Writes {@code c} for run {@code runId} and returns its path. */
    Path write(String runId, Checkpoint c) {
        Path target = dir.resolve(runId).resolve(String.format("update-%09d.json", c.updatesDone()));
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "update-", ".tmp");
            Files.write(tmp, c.toBytes());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    /**
     * Reads the checkpoint at {@code path} (absolute, or relative to the directory).
     *
     * @throws IllegalArgumentException if the path leaves the directory or the file is not a checkpoint
     * @throws NoSuchElementException   if there is no such file
     */
    Checkpoint read(String path) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("checkpoint_path: empty");
        }
        Path p = dir.resolve(path).toAbsolutePath().normalize();
        if (!p.startsWith(dir)) {
            throw new IllegalArgumentException("checkpoint_path: must lie under the server's checkpoint directory "
                    + dir + ", got " + path);
        }
        if (!Files.isRegularFile(p)) {
            throw new NoSuchElementException("checkpoint_path: no checkpoint file at " + p);
        }
        try {
            if (!p.toRealPath().startsWith(dir.toRealPath())) {
                throw new IllegalArgumentException("checkpoint_path: " + path + " links outside the server's checkpoint "
                        + "directory " + dir);
            }
            return Checkpoint.fromBytes(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + p + ": " + e.getMessage(), e);
        }
    }
}
