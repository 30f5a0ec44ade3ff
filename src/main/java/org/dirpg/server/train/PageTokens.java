package org.dirpg.server.train;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import org.dirpg.proto.train.v1.RunState;

/**
 * ListRuns page tokens (AIP-158): opaque to clients, here the position of the last run of the page and the state
 * filter they were issued for (a token must be used with the same filter). A position is a run's creation time and
 * id, both kept in the run store, so a token stays valid across a server restart, and runs created or evicted between
 * pages neither repeat nor shift the pages. (A run created while the clock steps back by more than the time since the
 * token's run may be missed by that one listing.)
 */
final class PageTokens {
    /** Where a page ends: after the run created at {@code createdMillis} with id {@code id}. */
    record Cursor(long createdMillis, String id) {
    }

    /** The listing order: creation time, then id. */
    static final Comparator<HostedRun> ORDER = Comparator.comparingLong(HostedRun::createdMillis)
            .thenComparing(HostedRun::id);

    private PageTokens() {
    }

    /** Whether {@code run} comes after {@code cursor} in {@link #ORDER} (every run does after a null cursor). */
    static boolean after(HostedRun run, Cursor cursor) {
        if (cursor == null) {
            return true;
        }
        int c = Long.compare(run.createdMillis(), cursor.createdMillis());
        return c > 0 || (c == 0 && run.id().compareTo(cursor.id()) > 0);
    }

    static String encode(HostedRun last, RunState state) {
        String raw = "v2:" + last.createdMillis() + ":" + state.getNumber() + ":" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The position after which the page starts; null for "" (the first page). */
    static Cursor decode(String token, RunState state) {
        if (token.isEmpty()) {
            return null;
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 4);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        try {
            if (parts.length == 4 && parts[0].equals("v2") && !parts[3].isEmpty()) {
                long created = Long.parseLong(parts[1]);
                if (Integer.parseInt(parts[2]) != state.getNumber()) {
                    throw new IllegalArgumentException("page_token: issued for another state filter; list with the "
                            + "same state as the first page");
                }
                return new Cursor(created, parts[3]);
            }
        } catch (NumberFormatException e) {
            // Falls through to the general refusal.
        }
        throw new IllegalArgumentException("page_token: not a token this server issued: '" + Messages.cut(token) + "'");
    }
}
