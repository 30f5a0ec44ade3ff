package org.dirpg.server.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.dirpg.train.Checkpoint;

/**
 * The server's checkpoint directory: run {@code r}'s checkpoint after {@code n} updates is
 * {@code <dir>/<r>/update-<n>.json}, written atomically (a temporary file moved into place), of which the newest
 * {@code keep} per run are kept. Paths shown to clients are relative to the directory, and messages never name the
 * directory itself, so clients learn nothing of the server's file system. Clients may only name files inside the
 * directory, so a request cannot make the server read arbitrary files.
 */
final class CheckpointStore {
    private static final String PREFIX = "update-";
    private static final String SUFFIX = ".json";

    private final Path dir;
    private final int keep;

    /** @param keep checkpoints kept per run (older ones are deleted as new ones are written), >= 1 */
    CheckpointStore(Path dir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoints kept: must be at least 1, got " + keep);
        }
        this.dir = dir.toAbsolutePath().normalize();
        this.keep = keep;
    }

    Path directory() {
        return dir;
    }

    /** {@code p} as clients see it: relative to the checkpoint directory. */
    String relative(Path p) {
        return dir.relativize(p).toString();
    }

    /** Writes {@code c} for run {@code runId}, deletes the run's checkpoints beyond the newest kept, returns its path. */
    Path write(String runId, Checkpoint c) {
        Path target = dir.resolve(runId).resolve(String.format(PREFIX + "%09d" + SUFFIX, c.updatesDone()));
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), PREFIX, ".tmp");
            Files.write(tmp, c.toBytes());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            List<Path> all = list(runId);
            for (int i = 0; i < all.size() - keep; i++) {
                Files.deleteIfExists(all.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + relative(target) + ": "
                    + e.getClass().getSimpleName(), e);
        }
        return target;
    }

    /** The run's checkpoint files, oldest first (by update count; temporary files excluded). */
    List<Path> list(String runId) {
        Path runDir = dir.resolve(runId);
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runDir)) {
            return new ArrayList<>(files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
            }).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints of run " + runId, e);
        }
    }

    /** Deletes every checkpoint of the run (eviction). */
    void deleteAll(String runId) {
        try {
            for (Path p : list(runId)) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir.resolve(runId));
        } catch (IOException e) {
            // A leftover directory costs disk space only; the run is gone from the registry either way.
        }
    }

    /** The run directories (named by run id) that hold at least one checkpoint file, sorted. */
    List<String> runDirectories() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> runs = Files.list(dir)) {
            return runs.filter(Files::isDirectory).filter(d -> !list(d.getFileName().toString()).isEmpty())
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoint directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@link #read(String, java.util.function.Predicate)} for the server itself (its own runs' checkpoints). */
    Checkpoint read(String path) {
        return read(path, runId -> true);
    }

    /**
     * Reads the checkpoint at {@code path} (relative to the directory, or absolute inside it).
     *
     * @param mayReadRun whether the caller may read the checkpoints of a run (by the id its directory is named by; null
     *                   for a file directly in the directory)
     * @throws IllegalArgumentException if the path leaves the directory or the file is not a checkpoint
     * @throws NoSuchElementException   if there is no such file, or it belongs to a run the caller may not read
     */
    Checkpoint read(String path, java.util.function.Predicate<String> mayReadRun) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("checkpoint_path: empty");
        }
        Path p;
        try {
            p = dir.resolve(path).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("checkpoint_path: not a valid path", e);
        }
        if (!p.startsWith(dir)) {
            throw new IllegalArgumentException("checkpoint_path: must lie under the server's checkpoint directory "
                    + "(give it relative to that directory, as Run.latest_checkpoint does)");
        }
        if (!Files.isRegularFile(p)) {
            throw new NoSuchElementException("checkpoint_path: no checkpoint file at " + Messages.cut(relative(p)));
        }
        try {
            Path real = p.toRealPath();
            Path root = dir.toRealPath();
            if (!real.startsWith(root)) {
                throw new IllegalArgumentException("checkpoint_path: " + Messages.cut(relative(p)) + " links outside the server's "
                        + "checkpoint directory");
            }
            // the run a checkpoint belongs to is the directory it really lies in (after "..", links and spellings)
            Path rel = root.relativize(real);
            String runId = rel.getNameCount() > 1 ? rel.getName(0).toString() : null;
            if (!mayReadRun.test(runId)) {
                throw new NoSuchElementException("checkpoint_path: no checkpoint file at " + Messages.cut(relative(p)));
            }
            return Checkpoint.fromBytes(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + relative(p) + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }
}
