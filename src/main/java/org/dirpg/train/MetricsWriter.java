package org.dirpg.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes one line per update to {@code metrics.csv} and {@code metrics.jsonl} in a run directory, flushed per update. */
public final class MetricsWriter implements AutoCloseable {
    private final BufferedWriter csv;
    private final BufferedWriter jsonl;

    public MetricsWriter(Path directory) {
        try {
            Files.createDirectories(directory);
            csv = Files.newBufferedWriter(directory.resolve("metrics.csv"));
            jsonl = Files.newBufferedWriter(directory.resolve("metrics.jsonl"));
            csv.write(UpdateMetrics.CSV_HEADER);
            csv.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + directory + ": " + e.getMessage(), e);
        }
    }

    public void write(UpdateMetrics m) {
        try {
            csv.write(m.toCsv());
            csv.newLine();
            jsonl.write(m.toJson());
            jsonl.newLine();
            csv.flush(); // an update costs far more than a write: keep the files current for whoever watches them
            jsonl.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            csv.close();
            jsonl.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
