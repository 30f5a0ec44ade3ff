package org.dirpg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress on a pipe: a line at a steady interval and one at the end, with every field; thread-safe counts. */
class ProgressTest {

    @Test
    void linesCarryCountsTotalReturnRateAndEta() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.lines("job", 1000, Progress.Basis.UPDATES, out, 0.2)) {
            p.add(250, 5000, 250 * -0.5);
            Thread.sleep(900);
            p.add(250, 5000, 250 * 1.5);
            p.done();
        }
        List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() >= 3, "periodic lines and a final one: " + lines);
        String first = lines.stream().filter(l -> l.contains("updates 250/")).findFirst().orElseThrow();
        assertTrue(first.startsWith("progress job: updates 250/1,000 (25.0%), interactions 5,000, recent mean return -0.5000, "), first);
        assertTrue(first.matches(".*, [0-9.,]+ updates/s, elapsed [0-9]+ s, ETA [0-9]+ s"), first);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("progress job: updates 250/1,000 (25.0%), interactions 5,000, ")
                        && !l.contains("return")), "a window without updates shows no recent return: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("updates 500/1,000") && l.contains("recent mean return 1.5000")), lines.toString());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("progress job: updates 500/1,000 (50.0%), interactions 10,000, recent mean return "), last);
        assertTrue(last.endsWith(", done"), last);
        assertEquals(1, lines.stream().filter(l -> l.endsWith("done")).count());
    }

    @Test
    void interactionsCanBeTheTotalAndConcurrentAddsAreAllCounted() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        Progress p = Progress.lines("sweep", 40_000, Progress.Basis.INTERACTIONS, out, 60);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    p.add(1, 1, Double.NaN);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        p.done();
        p.close();
        p.close();
        List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "only the final line within the interval, once: " + lines);
        assertTrue(lines.get(0).startsWith("progress sweep: updates 40,000, interactions 40,000/40,000 (100.0%), "), lines.get(0));
        assertTrue(!lines.get(0).contains("return"), "no return was reported, none is shown: " + lines.get(0));
        assertTrue(lines.get(0).contains(" interactions/s, "), lines.get(0));
    }

    /** A run that throws closes its progress without done(): its last line says failed, never done. */
    @Test
    void aFailedRunEndsWithFailedNotDone() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
            try (Progress p = Progress.lines("train", 100, Progress.Basis.UPDATES, out, 60)) {
                p.add(1, 10, 0.5);
                throw new IllegalStateException("env server gone");
            }
        });
        assertEquals("env server gone", thrown.getMessage());
        List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("progress train: updates 1/100 (1.0%), interactions 10, recent mean return 0.5000, "), lines.get(0));
        assertTrue(lines.get(0).endsWith(", failed"), lines.get(0));
        assertTrue(!lines.get(0).contains("done"), lines.get(0));
    }

    /** Items without interactions or returns (the Gaussian curves) show only what they measure. */
    @Test
    void itemsWithoutInteractionsOrReturnsShowNeither() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.lines("gaussian", 6, Progress.Basis.UPDATES, "epsilons", false, out, 60)) {
            for (int i = 0; i < 6; i++) {
                p.add(1, 0, Double.NaN);
            }
            p.done();
        }
        String line = buffer.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.matches("progress gaussian: epsilons 6/6 \\(100\\.0%\\), [0-9.,]+ epsilons/s, elapsed [0-9]+ s, done"), line);
    }

    /** --no-progress prints nothing, and done() and close() on it are harmless. */
    @Test
    void offPrintsNothing() {
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try (Progress p = Progress.off()) {
            p.add(5, 5, 1.0);
            p.done();
        } finally {
            System.setErr(err);
        }
        assertEquals("", buffer.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badIntervalNamesTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Progress.lines("x", 10, Progress.Basis.UPDATES, System.err, 0)).getMessage().startsWith("dirpg.progress.seconds"));
    }

    @Test
    void slowRatesKeepTheirDigits() {
        assertEquals("31,000", Progress.rate(31_000.4));
        assertEquals("12.5", Progress.rate(12.46));
        assertEquals("0.46", Progress.rate(6 / 13.0));
    }

    @Test
    void durationsReadAsMinutesAndHours() {
        assertEquals("59 s", Progress.duration(59.4));
        assertEquals("1 min 04 s", Progress.duration(64));
        assertEquals("2 h 05 min", Progress.duration(2 * 3600 + 5 * 60 + 7));
    }
}
