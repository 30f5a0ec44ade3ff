package org.dirpg.server.train;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.dirpg.proto.train.v1.RunState;

/**
 * ListRuns page tokens (AIP-158): opaque to clients, here the position after which the next page starts and the state
 * filter they were issued for (a token must be used with the same filter). Positions are creation order, so runs
 * created or evicted between pages neither repeat nor shift the pages. A token is valid until the server restarts.
 */
final class PageTokens {
    private PageTokens() {
    }

    static String encode(long after, RunState state) {
        String raw = "v1:" + after + ":" + state.getNumber();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /** The position after which the page starts; -1 for "" (the first page). */
    static long decode(String token, RunState state) {
        if (token.isEmpty()) {
            return -1;
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII).split(":");
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        try {
            if (parts.length == 3 && parts[0].equals("v1")) {
                long after = Long.parseLong(parts[1]);
                if (Integer.parseInt(parts[2]) != state.getNumber()) {
                    throw new IllegalArgumentException("page_token: issued for another state filter; list with the "
                            + "same state as the first page");
                }
                return after;
            }
        } catch (NumberFormatException e) {
            // Falls through to the general refusal.
        }
        throw new IllegalArgumentException("page_token: not a token this server issued: '" + Messages.cut(token) + "'");
    }
}
