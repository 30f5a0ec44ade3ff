package org.dirpg.server.train;

import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;

/**
 * What the {@link RunStore} keeps of a run: enough to list it after a restart and to continue it from its newest
 * checkpoint.
 *
 * @param id               the run id, stable across restarts
 * @param owner            the identity that created it ("" without authentication)
 * @param spec             its spec with every default filled in (checkpoint_interval included)
 * @param state            its state when last written; RUNNING, PENDING or RESUMED after a crash means "continue it"
 * @param firstUpdate      the index of its first update (the updates of the checkpoint it was created from)
 * @param updatesDone      updates done; read back as the end of its stored metrics
 * @param interactions     cumulative environment interactions
 * @param recoveredFrom    the update a restarted server continued it from; -1 if never
 * @param latestCheckpoint its newest checkpoint, relative to the checkpoint directory; "" if none
 * @param error            why it FAILED; "" otherwise
 * @param createdMillis    creation time (epoch ms)
 * @param endedMillis      when it ended (epoch ms); -1 while it has not
 */
record RunRecord(String id, String owner, RunSpec spec, RunState state, long firstUpdate, long updatesDone,
                 long interactions, long recoveredFrom, String latestCheckpoint, String error, long createdMillis,
                 long endedMillis) {

    /** Whether the run has reached a final state. */
    boolean ended() {
        return isFinal(state);
    }

    static boolean isFinal(RunState s) {
        return s == RunState.RUN_STATE_SUCCEEDED || s == RunState.RUN_STATE_FAILED || s == RunState.RUN_STATE_STOPPED;
    }
}
