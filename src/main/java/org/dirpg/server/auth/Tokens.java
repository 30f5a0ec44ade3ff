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
 *
 * <p>A line may end with {@code expires=INSTANT} (ISO-8601, e.g. {@code 2027-01-01T00:00:00Z}): from then on the token
 * is refused. Tokens {@link #watch watched} from a file are re-read when the file changes (checked at most once a
 * second, on the next call), so a removed token stops working without a restart; a file that no longer parses keeps
 * the previous tokens, and the server logs why.
 */
public final class Tokens {
    /** Shortest token accepted: guessing must be hopeless. */
    public static final int MIN_TOKEN_CHARS = 16;

    private record Entry(byte[] digest, Identity identity, java.time.Instant expires) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tokens.class);
    private static final long CHECK_NANOS = 1_000_000_000L;

    private volatile List<Entry> entries;
    private final Path file;
    private volatile long checkedNanos;
    private volatile String stamp;

    private Tokens(List<Entry> entries, Path file, String stamp) {
        this.entries = List.copyOf(entries);
        this.file = file;
        this.stamp = stamp;
        this.checkedNanos = System.nanoTime();
    }

    /** The tokens of {@code file}, re-read whenever it changes. */
    public static Tokens watch(Path file) throws IOException {
        String stamp = stamp(file);
        return new Tokens(parseEntries(Files.readString(file, StandardCharsets.UTF_8), "--tokens-file"), file, stamp);
    }

    private static String stamp(Path file) throws IOException {
        return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
    }

    /** Re-reads the file if it changed since the last look (at most once a second). */
    private void refresh() {
        long now = System.nanoTime();
        if (file == null || now - checkedNanos < CHECK_NANOS) {
            return;
        }
        checkedNanos = now;
        try {
            String current = stamp(file);
            if (!current.equals(stamp)) {
                entries = List.copyOf(parseEntries(Files.readString(file, StandardCharsets.UTF_8), "--tokens-file"));
                stamp = current;
                LOG.info("reloaded the tokens file {} ({} tokens)", file, entries.size());
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("kept the previous tokens: the tokens file {} could not be read: {}", file, e.getMessage());
        }
    }

    /** Parses the text of a tokens file; {@code source} names it in error messages. */
    public static Tokens parse(String text, String source) {
        return new Tokens(parseEntries(text, source), null, null);
    }

    private static List<Entry> parseEntries(String text, String source) {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            java.time.Instant expires = null;
            if (f.length >= 3 && f[f.length - 1].startsWith("expires=")) {
                try {
                    expires = java.time.Instant.parse(f[f.length - 1].substring(8));
                } catch (java.time.format.DateTimeParseException e) {
                    throw new IllegalArgumentException(source + ": line " + n + ": expires= takes an ISO-8601 instant "
                            + "such as 2027-01-01T00:00:00Z, got '" + f[f.length - 1].substring(8) + "'");
                }
                f = java.util.Arrays.copyOf(f, f.length - 1);
            }
            if (f.length < 2 || f.length > 3 || (f.length == 3 && !f[2].equals("admin"))) {
                throw new IllegalArgumentException(source + ": line " + n + ": expected 'NAME TOKEN [admin] [expires=INSTANT]'");
            }
            if (f[1].length() < MIN_TOKEN_CHARS) {
                throw new IllegalArgumentException(source + ": line " + n + ": the token of '" + f[0] + "' has "
                        + f[1].length() + " characters; at least " + MIN_TOKEN_CHARS + " are required");
            }
            out.add(new Entry(digest(f[1]), new Identity(f[0], f.length == 3), expires));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": no tokens");
        }
        return out;
    }

    /** The tokens of {@code file}, re-read when it changes ({@link #watch}). */
    public static Tokens read(Path file) throws IOException {
        return watch(file);
    }

    /** The identity of {@code token}, or null if it is none of ours. Every entry is compared, in constant time. */
    Identity identify(String token) {
        refresh();
        byte[] d = digest(token);
        java.time.Instant now = java.time.Instant.now();
        Identity found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(d, e.digest()) && found == null
                    && (e.expires() == null || now.isBefore(e.expires()))) {
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
