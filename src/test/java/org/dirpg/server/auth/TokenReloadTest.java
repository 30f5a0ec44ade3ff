package org.dirpg.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.dirpg.proto.train.v1.ListRunsRequest;
import org.dirpg.server.DirpgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokens file is re-read when it changes (a removed token stops working without a restart), and tokens expire. */
class TokenReloadTest {
    private static final String ALICE = "alice-token-0123456789";
    private static final String BOB = "bob-token-0123456789ab";
    private static final String OLD = "old-token-0123456789ab";

    @TempDir
    Path dir;

    private static Status.Code listAs(ManagedChannel ch, String token) {
        try {
            org.dirpg.testing.BearerStubs.as(ch, token).listRuns(ListRunsRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void aRemovedTokenStopsWorkingAndAnExpiredOneNeverWorks() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "alice " + ALICE + "\nbob " + BOB + "\nold " + OLD + " expires=2020-01-01T00:00:00Z\n");
        String name = InProcessServerBuilder.generateName();
        DirpgServer server = DirpgServer.builder(InProcessServerBuilder.forName(name)).dataDir(dir.resolve("data"))
                .workers(1).tokens(Tokens.watch(file)).start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        try {
            assertEquals(Status.Code.OK, listAs(ch, BOB));
            assertEquals(Status.Code.UNAUTHENTICATED, listAs(ch, OLD), "expired");
            Files.writeString(file, "alice " + ALICE + "\n");
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            Thread.sleep(1_100);
            assertEquals(Status.Code.UNAUTHENTICATED, listAs(ch, BOB), "bob's token was removed from the file");
            assertEquals(Status.Code.OK, listAs(ch, ALICE));
            // a file that no longer parses keeps the tokens it had
            Files.writeString(file, "alice short\n");
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
            Thread.sleep(1_100);
            assertEquals(Status.Code.OK, listAs(ch, ALICE));
        } finally {
            ch.shutdownNow();
            server.stop();
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Tokens.parse("carol " + ALICE + " expires=soon\n", "test"));
        assertTrue(bad.getMessage().contains("expires= takes an ISO-8601 instant"), bad.getMessage());
    }
}
