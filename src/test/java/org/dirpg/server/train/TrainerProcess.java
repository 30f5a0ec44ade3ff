package org.dirpg.server.train;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;

/**
 * The real trainer server ({@code dirpg serve}) as a separate JVM on a loopback port, started with this test's own
 * class path, so a test can kill it with SIGKILL or SIGTERM and start another on the same data directory. Its stderr
 * goes to {@code target/trainer-process-*.log}.
 */
final class TrainerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("dirpg server listening on 127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    final int port;
    final ManagedChannel channel;

    private TrainerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        this.channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    /** Starts {@code serve --host 127.0.0.1 --port 0 ARGS} and waits (up to 60 s) for its "listening" line. */
    static TrainerProcess start(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.dirpg.cli.Main", "serve", "--host", "127.0.0.1", "--port", "0"));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "trainer-process-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (LISTENING.matcher(l).find()) {
                        return l;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        if (line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("the trainer server did not start; see " + log + ":\n" + Files.readString(log));
        }
        Matcher m = LISTENING.matcher(line);
        m.find();
        // Keep draining stdout so the child never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "trainer-process-stdout");
        drain.setDaemon(true);
        drain.start();
        return new TrainerProcess(p, Integer.parseInt(m.group(1)));
    }

    TrainerServiceGrpc.TrainerServiceBlockingStub stub() {
        return TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        channel.shutdownNow();
    }

    /** SIGTERM: the shutdown hook stops the server gracefully; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        channel.shutdownNow();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
        channel.shutdownNow();
    }
}
