package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiet by default: a MiniGrid twin run trained and exported to DL4J (which loads ND4J, whose backend logs a dozen
 * INFO lines) prints no library INFO line on stderr; {@code --verbose} brings them back. Each command runs in a fresh
 * JVM, because slf4j-simple reads its levels once per process.
 */
class QuietLogsTest {
    private static String stderrOf(Path dir, String name, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.dirpg.cli.Main"));
        cmd.addAll(args);
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), name + " did not finish");
        assertEquals(0, p.exitValue(), name + ": " + Files.readString(err));
        return Files.readString(err);
    }

    private static List<String> libraryInfoLines(String stderr) {
        return stderr.lines().filter(l -> l.contains(" INFO ") && !l.contains(" INFO org.dirpg.")).toList();
    }

    @Test
    void twinTrainAndExportPrintNoLibraryInfoUnlessVerbose(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        String train = stderrOf(dir, "train", List.of("train", "--env", "JavaMiniGrid-MultiRoom-N6-v0", "-n", "2",
                "--budget", "240", "--no-progress", "--out", run.toString()));
        assertEquals(List.of(), libraryInfoLines(train), train);
        assertTrue(train.lines().anyMatch(l -> l.startsWith("policy: multi (")), "the run's own first line is kept: " + train);
        List<String> export = List.of("export", "--checkpoint", run.resolve("checkpoint.json").toString(), "--dl4j",
                dir.resolve("model.zip").toString());
        String quiet = stderrOf(dir, "export", export);
        assertEquals(List.of(), libraryInfoLines(quiet), quiet);
        assertTrue(!quiet.contains("HAVE_OPENBLAS") && !quiet.contains("Nd4jBackend"), quiet);
        List<String> verboseArgs = new ArrayList<>(List.of("--verbose"));
        verboseArgs.addAll(export);
        String verbose = stderrOf(dir, "export-verbose", verboseArgs);
        assertTrue(verbose.contains("INFO org.nd4j.linalg.factory.Nd4jBackend - Loaded [CpuBackend]"), verbose);
        assertTrue(libraryInfoLines(verbose).size() >= 5, verbose);
        List<String> afterSubcommand = new ArrayList<>(export);
        afterSubcommand.add("--verbose");
        assertTrue(stderrOf(dir, "export-verbose-after", afterSubcommand).contains("Nd4jBackend"),
                "--verbose after the subcommand's name works too");
    }
}
