package org.dirpg.env.classic;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.dirpg.env.NoiseKeys;

/**
 * The byte layout of the native environments' state tokens: a header (magic "DPGS", format version, environment id,
 * fingerprint of the environment's configuration) followed by the state's fields. Reading validates every part and
 * throws {@link IllegalArgumentException} naming what is wrong, so garbage bytes never become a state.
 */
public final class StateCodec {
    static final int MAGIC = 0x44504753;
    static final int VERSION = 1;

    private StateCodec() {
    }

    /** A fingerprint of configuration values, so a token is only accepted by an identically configured env. */
    public static long fingerprint(double... values) {
        long h = 0x1234_5678_9ABC_DEF0L;
        for (double v : values) {
            h = NoiseKeys.mix(h ^ Double.doubleToLongBits(v));
        }
        return h;
    }

    /** Starts a token for environment {@code envId} with configuration {@code fingerprint}. */
    public static Writer writer(String envId, long fingerprint) {
        Writer w = new Writer();
        w.writeInt(MAGIC);
        w.writeInt(VERSION);
        w.writeUtf(envId);
        w.writeLong(fingerprint);
        return w;
    }

    /** Opens a token and checks its header against {@code envId} and {@code fingerprint}. */
    public static Reader reader(byte[] bytes, String envId, long fingerprint) {
        if (bytes == null) {
            throw new IllegalArgumentException(envId + ": state token is null");
        }
        Reader r = new Reader(bytes, envId);
        int magic = r.readInt("magic");
        if (magic != MAGIC) {
            throw new IllegalArgumentException(envId + ": state token has magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC) + " (bytes not written by a native environment)");
        }
        int version = r.readInt("version");
        if (version != VERSION) {
            throw new IllegalArgumentException(envId + ": state token has format version " + version + ", expected " + VERSION);
        }
        String id = r.readUtf("environment id");
        if (!id.equals(envId)) {
            throw new IllegalArgumentException(envId + ": state token belongs to environment '" + id + "'");
        }
        if (r.readLong("config fingerprint") != fingerprint) {
            throw new IllegalArgumentException(envId + ": state token was written by an environment with a different configuration");
        }
        return r;
    }

    public static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        public Writer writeInt(int v) {
            try {
                out.writeInt(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public Writer writeLong(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public Writer writeUtf(String v) {
            try {
                out.writeUTF(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public byte[] toBytes() {
            return bytes.toByteArray();
        }
    }

    public static final class Reader {
        private final DataInputStream in;
        private final String envId;

        private Reader(byte[] bytes, String envId) {
            this.in = new DataInputStream(new ByteArrayInputStream(bytes));
            this.envId = envId;
        }

        public int readInt(String field) {
            try {
                return in.readInt();
            } catch (EOFException e) {
                throw truncated(field);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Reads an int that must lie in [min, max]. */
        public int readInt(String field, int min, int max) {
            int v = readInt(field);
            if (v < min || v > max) {
                throw new IllegalArgumentException(envId + ": state token field " + field + " = " + v
                        + " is outside [" + min + ", " + max + "]");
            }
            return v;
        }

        public long readLong(String field) {
            try {
                return in.readLong();
            } catch (EOFException e) {
                throw truncated(field);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String readUtf(String field) {
            try {
                return in.readUTF();
            } catch (EOFException e) {
                throw truncated(field);
            } catch (IOException e) {
                throw new IllegalArgumentException(envId + ": state token field " + field + " is not valid UTF-8");
            }
        }

        /** Checks that every byte was consumed. */
        public void finish() {
            try {
                int left = in.available();
                if (left != 0) {
                    throw new IllegalArgumentException(envId + ": state token has " + left + " unexpected trailing bytes");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private IllegalArgumentException truncated(String field) {
            return new IllegalArgumentException(envId + ": state token is truncated (ended before field " + field + ")");
        }
    }
}
