package org.dirpg.server.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StateTokensTest {
    private static final byte[] KEY = "a fleet key of 32 bytes, for tests".getBytes();
    private final StateTokens tokens = new StateTokens(KEY);
    private final byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void roundTripsThePayload() {
        assertArrayEquals(payload, tokens.open("Env-v0", tokens.issue("Env-v0", payload)));
        assertArrayEquals(new byte[0], tokens.open("Env-v0", tokens.issue("Env-v0", new byte[0])));
    }

    @Test
    void anotherServerWithTheSameKeyOpensTheToken() {
        ByteString t = tokens.issue("Env-v0", payload);
        assertArrayEquals(payload, new StateTokens(KEY.clone()).open("Env-v0", t));
    }

    @Test
    void everySingleBitFlipIsRejected() {
        byte[] t = tokens.issue("Env-v0", payload).toByteArray();
        for (int i = 0; i < t.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = t.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThrows(IllegalArgumentException.class, () -> tokens.open("Env-v0", ByteString.copyFrom(bad)),
                        "flip of bit " + bit + " of byte " + i);
            }
        }
    }

    @Test
    void tamperedPayloadFailsAuthentication() {
        byte[] t = tokens.issue("Env-v0", payload).toByteArray();
        t[t.length - 1] ^= 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tokens.open("Env-v0", ByteString.copyFrom(t)));
        assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
    }

    @Test
    void tokenOfAnotherFleetIsForeign() {
        byte[] otherKey = new byte[32];
        new SplittableRandom(7).nextBytes(otherKey);
        ByteString foreign = new StateTokens(otherKey).issue("Env-v0", payload);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokens.open("Env-v0", foreign));
        assertTrue(e.getMessage().contains("different key"), e.getMessage());
    }

    @Test
    void tokenOfAnotherEnvironmentNamesBoth() {
        ByteString t = tokens.issue("Other-v0", payload);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokens.open("Env-v0", t));
        assertTrue(e.getMessage().contains("'Other-v0', not 'Env-v0'"), e.getMessage());
    }

    @Test
    void garbageIsMalformed() {
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
                () -> tokens.open("Env-v0", ByteString.copyFromUtf8("hello")));
        assertTrue(shortOne.getMessage().contains("malformed"), shortOne.getMessage());
        byte[] junk = new byte[100];
        Arrays.fill(junk, (byte) 'x');
        IllegalArgumentException magic = assertThrows(IllegalArgumentException.class,
                () -> tokens.open("Env-v0", ByteString.copyFrom(junk)));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
        byte[] t = tokens.issue("Env-v0", payload).toByteArray();
        t[4] = 9;
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                () -> tokens.open("Env-v0", ByteString.copyFrom(t)));
        assertTrue(version.getMessage().contains("version 9"), version.getMessage());
    }

    @Test
    void shortKeysAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StateTokens(new byte[8]));
        assertTrue(e.getMessage().contains("at least 16 bytes, got 8"), e.getMessage());
    }
}
