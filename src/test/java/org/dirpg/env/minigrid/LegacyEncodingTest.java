package org.dirpg.env.minigrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.dirpg.env.State;
import org.dirpg.env.classic.Environments;
import org.junit.jupiter.api.Test;

/**
 * The twin's {@code encoding=gym-minigrid-2020} option: every cell of the view re-encoded by the 2020 gym-minigrid's
 * tables (empty 0, wall 1, door 3 with state 1 when open, goal 8), nothing unseen, the dynamics unchanged.
 */
class LegacyEncodingTest {
    private static final String ID = "JavaMiniGrid-MultiRoom-N6-v0";

    @Test
    void everyCellIsTheOldEncodingOfTodaysFullView() {
        MultiRoomEnvironment today = (MultiRoomEnvironment) Environments.make(ID, Map.of("paperReward", "true"));
        MultiRoomEnvironment old = (MultiRoomEnvironment) Environments.make(ID,
                Map.of("paperReward", "true", "encoding", "gym-minigrid-2020"));
        MultiRoomEnvironment oldOccluded = (MultiRoomEnvironment) Environments.make(ID,
                Map.of("encoding", "gym-minigrid-2020", "maxSteps", "100"));
        SplittableRandom rng = new SplittableRandom(16);
        int doorsOpen = 0;
        int doorsClosed = 0;
        for (int map = 0; map < 40; map++) {
            long seed = rng.nextLong();
            MultiRoomState a = (MultiRoomState) today.reset(seed);
            MultiRoomState b = (MultiRoomState) old.reset(seed);
            MultiRoomState c = (MultiRoomState) oldOccluded.reset(seed);
            for (int t = 0; t < 100 && !a.isTerminal(); t++) {
                byte[] now = a.image();
                byte[] then = b.image();
                assertEquals(java.util.Arrays.toString(then), java.util.Arrays.toString(c.image()),
                        "the 2020 encoding ignores the visibility mask");
                for (int o = 0; o < now.length; o += 3) {
                    int obj = now[o];
                    int want = switch (obj) {
                        case 1 -> 0;
                        case 2 -> 1;
                        case 4 -> 3;
                        case 8 -> 8;
                        default -> throw new AssertionError("today's full view has object " + obj + " at " + o);
                    };
                    assertEquals(want, then[o], "object at " + o);
                    assertEquals(now[o + 1], then[o + 1], "colour at " + o);
                    if (obj == 4) {
                        assertEquals(now[o + 2] == 0 ? 1 : 0, then[o + 2], "door state at " + o);
                        if (then[o + 2] == 1) {
                            doorsOpen++;
                        } else {
                            doorsClosed++;
                        }
                    } else {
                        assertEquals(0, then[o + 2], "state at " + o);
                    }
                }
                int action = new int[] {0, 1, 2, 2, 2, 5}[rng.nextInt(6)];
                a = (MultiRoomState) today.step(a, action).next();
                b = (MultiRoomState) old.step(b, action).next();
                c = (MultiRoomState) oldOccluded.step(c, action).next();
                assertEquals(a.isTerminal(), b.isTerminal());
            }
        }
        assertTrue(doorsOpen > 100 && doorsClosed > 100, "open " + doorsOpen + ", closed " + doorsClosed + ": too few doors seen");
    }

    @Test
    void tokensDoNotCrossEncodingsAndABadValueIsNamed() {
        MultiRoomEnvironment today = (MultiRoomEnvironment) Environments.make(ID, Map.of("paperReward", "true"));
        MultiRoomEnvironment old = (MultiRoomEnvironment) Environments.make(ID,
                Map.of("paperReward", "true", "encoding", "gym-minigrid-2020"));
        State s = old.reset(5);
        assertThrows(IllegalArgumentException.class, () -> today.decode(old.encode(s)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Environments.make(ID, Map.of("encoding", "gym-minigrid-2019")));
        assertEquals(ID + ": encoding must be minigrid or gym-minigrid-2020, got 'gym-minigrid-2019'", e.getMessage());
    }
}
