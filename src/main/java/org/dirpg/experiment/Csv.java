package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a header and rows to a CSV file. */
public final class Csv {
    private Csv() {
    }

    public static void write(Path file, String header, List<String> rows) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            StringBuilder sb = new StringBuilder(header).append('\n');
            for (String r : rows) {
                sb.append(r).append('\n');
            }
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
