package org.dirpg.env.remote;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a step batch into consecutive chunks whose request and (estimated) response both fit a message-size limit,
 * so a large batch is sent as several calls instead of being rejected. An item too large for any chunk goes alone.
 * A chunk also holds at most {@link #MAX_ITEMS} items, below the items-per-call cap env servers enforce (the Python
 * server's default is 4096).
 */
final class StepBatchSplitter {
    /** Bytes of framing per item beyond its token: tags, lengths, the action, flags, reward and legal mask. */
    static final int ITEM_OVERHEAD = 64;
    /** Bytes of framing per message: the env id and tags. */
    static final int MESSAGE_OVERHEAD = 256;
    /** Items per call at most. */
    static final int MAX_ITEMS = 1024;

    private StepBatchSplitter() {
    }

    /**
     * Chunks of {@code tokenBytes} as [from, to) index pairs, in order.
     *
     * @param tokenBytes       the size of each item's state token
     * @param observationBytes the bytes of one observation in a response (with its tensor framing)
     * @param envIdBytes       the length of the env id
     * @param maxMessageBytes  the limit each request and response must stay below; the next state's token is
     *                         assumed no larger than the stepped one plus {@link #ITEM_OVERHEAD}
     */
    static List<int[]> chunks(int[] tokenBytes, int observationBytes, int envIdBytes, int maxMessageBytes) {
        long budget = maxMessageBytes - MESSAGE_OVERHEAD - envIdBytes;
        List<int[]> out = new ArrayList<>();
        int from = 0;
        long response = 0;
        for (int i = 0; i < tokenBytes.length; i++) {
            // the response item (next token + observation) dominates the request item (token + action)
            long item = tokenBytes[i] + 2L * ITEM_OVERHEAD + observationBytes;
            if (i > from && (response + item > budget || i - from >= MAX_ITEMS)) {
                out.add(new int[] {from, i});
                from = i;
                response = 0;
            }
            response += item;
        }
        if (tokenBytes.length > from) {
            out.add(new int[] {from, tokenBytes.length});
        }
        return out;
    }
}
