package org.dirpg.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bearer tokens a server accepts, read from a file or an environment variable (never from the command line, where
 * any local user could read them in the process list). One token per line: {@code NAME TOKEN [admin]}; blank lines
 * and lines starting with # are ignored. Tokens are kept as SHA-256 digests and compared in constant time.
 */
public final class Tokens {
    /** Shortest token accepted: guessing must be hopeless. */
    public static final int MIN_TOKEN_CHARS = 16;

    private record Entry(byte[] digest, Identity identity) {
    }

    private final List<Entry> entries;

    private Tokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Parses the text of a tokens file; {@code source} names it in error messages. */
    public static Tokens parse(String text, String source) {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f.length < 2 || f.length > 3 || (f.length == 3 && !f[2].equals("admin"))) {
                throw new IllegalArgumentException(source + ": line " + n + ": expected 'NAME TOKEN [admin]'");
            }
            if (f[1].length() < MIN_TOKEN_CHARS) {
                throw new IllegalArgumentException(source + ": line " + n + ": the token of '" + f[0] + "' has "
                        + f[1].length() + " characters; at least " + MIN_TOKEN_CHARS + " are required");
            }
            out.add(new Entry(digest(f[1]), new Identity(f[0], f.length == 3)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": no tokens");
        }
        return new Tokens(out);
    }

    public static Tokens read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), "--tokens-file");
    }

    /** The identity of {@code token}, or null if it is none of ours. Every entry is compared, in constant time. */
    Identity identify(String token) {
        byte[] d = digest(token);
        Identity found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(d, e.digest()) && found == null) {
                found = e.identity();
            }
        }
        return found;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
