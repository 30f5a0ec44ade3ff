package org.dirpg.server.env;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated state tokens: a state's bytes ({@link org.dirpg.env.EncodableEnvironment#encode}) wrapped so that a
 * server accepts only tokens its fleet issued, for the environment they were issued for.
 *
 * <p>Layout: {@code "DPGT"} (4 bytes) | version 1 (1 byte) | env-id length (2 bytes, big-endian) | env id (UTF-8) |
 * HMAC-SHA256(key, header | payload) (32 bytes) | payload. Every server of a fleet shares the key, so any replica
 * opens any token. {@link #open} checks the MAC (in constant time) before the payload is looked at, so decoding
 * never sees bytes the fleet did not write. Thread-safe.
 */
public final class StateTokens {
    /** Bytes of the secret key a fleet shares; shorter keys are rejected. */
    public static final int MIN_KEY_BYTES = 16;
    static final byte[] MAGIC = {'D', 'P', 'G', 'T'};
    static final byte VERSION = 1;
    static final int MAC_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public StateTokens(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a state-token key needs at least " + MIN_KEY_BYTES + " bytes, got "
                    + (key == null ? "none" : key.length));
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** A fresh random key for a fleet of one (tokens are then valid only on this server). */
    public static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** The token for {@code payload}, a state of environment {@code envId}. */
    public ByteString issue(String envId, byte[] payload) {
        byte[] header = header(envId);
        byte[] token = new byte[header.length + MAC_BYTES + payload.length];
        System.arraycopy(header, 0, token, 0, header.length);
        System.arraycopy(mac(header, payload, 0, payload.length), 0, token, header.length, MAC_BYTES);
        System.arraycopy(payload, 0, token, header.length + MAC_BYTES, payload.length);
        return ByteString.copyFrom(token);
    }

    /**
     * The payload of a token that this fleet issued for {@code envId}.
     *
     * @throws IllegalArgumentException naming the problem when the token is malformed, tampered with, issued by
     *                                  another fleet (another key) or for another environment
     */
    public byte[] open(String envId, ByteString token) {
        byte[] t = token.toByteArray();
        int fixed = MAGIC.length + 1 + 2;
        if (t.length < fixed + MAC_BYTES) {
            throw new IllegalArgumentException("state token for " + envId + " is malformed: " + t.length
                    + " bytes is shorter than any DirPG state token (at least " + (fixed + MAC_BYTES) + ")");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (t[i] != MAGIC[i]) {
                throw new IllegalArgumentException("state token for " + envId
                        + " is malformed: it does not start with the DirPG token magic \"DPGT\"");
            }
        }
        if (t[4] != VERSION) {
            throw new IllegalArgumentException("state token for " + envId + " has version " + t[4]
                    + "; this server reads version " + VERSION);
        }
        int idLength = ((t[5] & 0xff) << 8) | (t[6] & 0xff);
        int headerLength = fixed + idLength;
        if (t.length < headerLength + MAC_BYTES) {
            throw new IllegalArgumentException("state token for " + envId + " is malformed: its env id of "
                    + idLength + " bytes runs past its end (" + t.length + " bytes)");
        }
        byte[] header = new byte[headerLength];
        System.arraycopy(t, 0, header, 0, headerLength);
        byte[] expected = mac(header, t, headerLength + MAC_BYTES, t.length - headerLength - MAC_BYTES);
        byte[] actual = new byte[MAC_BYTES];
        System.arraycopy(t, headerLength, actual, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new IllegalArgumentException("state token for " + envId + " failed authentication: it was altered"
                    + " or issued by a server with a different key (a foreign token)");
        }
        String issuedFor = new String(t, fixed, idLength, StandardCharsets.UTF_8);
        if (!issuedFor.equals(envId)) {
            throw new IllegalArgumentException("state token was issued for environment '" + issuedFor
                    + "', not '" + envId + "'");
        }
        byte[] payload = new byte[t.length - headerLength - MAC_BYTES];
        System.arraycopy(t, headerLength + MAC_BYTES, payload, 0, payload.length);
        return payload;
    }

    private static byte[] header(String envId) {
        byte[] id = envId.getBytes(StandardCharsets.UTF_8);
        if (id.length > 0xffff) {
            throw new IllegalArgumentException("env id is too long for a state token: " + id.length + " bytes");
        }
        byte[] h = new byte[MAGIC.length + 1 + 2 + id.length];
        System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
        h[4] = VERSION;
        h[5] = (byte) (id.length >>> 8);
        h[6] = (byte) id.length;
        System.arraycopy(id, 0, h, 7, id.length);
        return h;
    }

    private byte[] mac(byte[] header, byte[] data, int offset, int length) {
        Mac mac = macs.get();
        mac.update(header);
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no " + ALGORITHM, e);
        }
    }
}
