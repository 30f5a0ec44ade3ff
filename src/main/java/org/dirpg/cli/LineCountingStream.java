package org.dirpg.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.dirpg.train.ProgressSink;

/** Passes bytes through to an output and reports each finished line to a {@link ProgressSink} as one item. */
final class LineCountingStream extends FilterOutputStream {
    private final ProgressSink progress;

    LineCountingStream(OutputStream out, ProgressSink progress) {
        super(out);
        this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        if (b == '\n') {
            out.flush();
            progress.add(1, 0, Double.NaN);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        int lines = 0;
        for (int i = off; i < off + len; i++) {
            lines += b[i] == '\n' ? 1 : 0;
        }
        if (lines > 0) {
            out.flush();
            progress.add(lines, 0, Double.NaN);
        }
    }
}
