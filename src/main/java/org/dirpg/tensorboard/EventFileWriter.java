package org.dirpg.tensorboard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.dirpg.proto.tensorboard.Event;
import org.dirpg.proto.tensorboard.Summary;

/**
 * A TensorBoard event file of scalars: {@code events.out.tfevents.<seconds>.<host>} in a run directory, whose first
 * record is the Event {@code file_version = "brain.Event:2"} and each further record an Event with a Summary of tagged
 * {@code simple_value}s at a step. TensorBoard reads such files while they grow, so the writer flushes whenever a
 * second has passed since its last flush (and at {@link #close()}): a live run is at most a second (and one update)
 * behind on the dashboard, and a run of tens of thousands of updates a second does not flush each one.
 *
 * <p>Written by hand, with no TensorFlow or TensorBoard library: no well-kept Java writer exists (TensorFlow Java's
 * summary ops need the native TensorFlow runtime, far heavier than this), and the format is small and stable — the
 * TFRecord framing in {@link TfRecords} and the subset of TensorBoard's {@code event.proto}/{@code summary.proto}
 * in {@code src/main/proto/dirpg/tensorboard/event.proto}, with TensorBoard's field numbers. Python tests read the
 * files back with TensorBoard's own reader. Thread-safe.
 */
public final class EventFileWriter implements AutoCloseable {
    /** The file name's prefix TensorBoard looks for. */
    public static final String PREFIX = "events.out.tfevents.";
    static final String FILE_VERSION = "brain.Event:2";
    private static final long FLUSH_NANOS = 1_000_000_000L;

    private final Path file;
    private final OutputStream out;
    private long lastFlushNanos = System.nanoTime();
    private boolean closed;

    private EventFileWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** A new event file in {@code directory} (created if missing), its version record written and flushed. */
    public static EventFileWriter create(Path directory) {
        try {
            Files.createDirectories(directory);
            long seconds = System.currentTimeMillis() / 1000;
            String base = PREFIX + seconds + "." + host();
            Path file = directory.resolve(base);
            OutputStream out;
            // A second writer in the same directory within the same second (a resumed server run) gets a suffix.
            for (int n = 1; ; n++) {
                try {
                    out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    break;
                } catch (FileAlreadyExistsException e) {
                    file = directory.resolve(base + "." + ProcessHandle.current().pid() + "." + n);
                }
            }
            EventFileWriter w = new EventFileWriter(file, new BufferedOutputStream(out, 1 << 16));
            w.record(Event.newBuilder().setWallTime(seconds).setFileVersion(FILE_VERSION).build());
            w.out.flush();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TensorBoard events to " + directory + ": " + e.getMessage(), e);
        }
    }

    private static String host() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return h == null || h.isBlank() ? "localhost" : h;
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The file written. */
    public Path file() {
        return file;
    }

    /**
     * One event of the {@code values} (tag to value, in order) at {@code step}; values that are not finite are left
     * out, and nothing is written when none is left.
     */
    public synchronized void scalars(long step, Map<String, Double> values) {
        Summary.Builder summary = Summary.newBuilder();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (e.getValue() != null && Double.isFinite(e.getValue())) {
                summary.addValue(Summary.Value.newBuilder().setTag(e.getKey()).setSimpleValue(e.getValue().floatValue()));
            }
        }
        if (summary.getValueCount() == 0 || closed) {
            return;
        }
        try {
            record(Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0).setStep(step)
                    .setSummary(summary).build());
            long now = System.nanoTime();
            if (now - lastFlushNanos >= FLUSH_NANOS) {
                out.flush();
                lastFlushNanos = now;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TensorBoard events to " + file + ": " + e.getMessage(), e);
        }
    }

    private void record(Event e) throws IOException {
        TfRecords.write(out, e.toByteArray());
    }

    /** Writes what is buffered now. */
    public synchronized void flush() {
        try {
            if (!closed) {
                out.flush();
                lastFlushNanos = System.nanoTime();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TensorBoard events to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TensorBoard events to " + file + ": " + e.getMessage(), e);
        }
    }
}
