package org.dirpg.cli;

import picocli.CommandLine.Option;

/** {@code --no-progress} of every long command, and the {@link Progress} it starts (or not). */
public final class ProgressOptions {
    @Option(names = "--no-progress", description = "No progress bar (terminal) or progress lines on stderr (pipe).")
    boolean off;

    /** Training-like progress (see {@link Progress#start(String, long, Progress.Basis)}), or none. */
    Progress start(String name, long total, Progress.Basis basis) {
        return off ? Progress.off() : Progress.start(name, total, basis);
    }

    /** Progress over items of a unit (see {@link Progress#start(String, long, String, boolean)}), or none. */
    Progress start(String name, long total, String unit, boolean interactions) {
        return off ? Progress.off() : Progress.start(name, total, unit, interactions);
    }
}
