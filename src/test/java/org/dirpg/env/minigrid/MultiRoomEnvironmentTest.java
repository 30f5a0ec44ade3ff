package org.dirpg.env.minigrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.env.classic.Environments;
import org.junit.jupiter.api.Test;

/** The twin's own contract details: options, defaults, tokens, and the errors of bad input. */
class MultiRoomEnvironmentTest {
    @Test
    void paperRewardDefaultsFollowThePythonServer() {
        MultiRoomEnvironment plain = (MultiRoomEnvironment) Environments.make("JavaMiniGrid-MultiRoom-N6-v0");
        MultiRoomEnvironment paper = (MultiRoomEnvironment) Environments.make("JavaMiniGrid-MultiRoom-N6-v0",
                Map.of("paperReward", "true"));
        assertEquals(120, plain.maxSteps());
        assertEquals(false, plain.seeThroughWalls());
        assertEquals(100, paper.maxSteps());
        assertEquals(true, paper.seeThroughWalls());
        assertTrue(paper.spec().providesBound());
        assertEquals(-30.0, paper.spec().minReward());
        assertEquals(100.0, paper.spec().maxReward());
        assertEquals("MiniGrid-MultiRoom-N6-v0", paper.minigridId());
    }

    @Test
    void tokensRoundTripAndForeignOrDamagedOnesAreRefused() {
        MultiRoomEnvironment env = (MultiRoomEnvironment) Environments.make("JavaMiniGrid-MultiRoom-N6-v0",
                Map.of("paperReward", "true", "actions", "0,1,2,5"));
        State s = env.reset(31);
        for (int a : new int[] {2, 2, 5, 0, 2}) {
            Transition t = env.step(s, a);
            if (t.next().isTerminal()) {
                break;
            }
            s = t.next();
        }
        State at = s;
        State back = env.decode(env.encode(at));
        assertArrayEquals(s.features(), back.features());
        assertEquals(s.returnToGoUpperBound(), back.returnToGoUpperBound());
        assertEquals(env.step(s, 2).reward(), env.step(back, 2).reward());
        MultiRoomEnvironment other = (MultiRoomEnvironment) Environments.make("JavaMiniGrid-MultiRoom-N6-v0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.decode(env.encode(at)));
        assertTrue(e.getMessage().contains("JavaMiniGrid-MultiRoom-N6-v0"), e.getMessage());
        byte[] bytes = env.encode(at);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(IllegalArgumentException.class, () -> env.decode(cut));
        assertThrows(IllegalArgumentException.class, () -> other.step(at, 2), "a state of another environment");
    }

    @Test
    void badOptionsNameTheOptionAndTheRightValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Environments.make("JavaMiniGrid-MultiRoom-N6-v0", Map.of("actions", "0,9")));
        assertTrue(e.getMessage().contains("actions are 0..6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Environments.make("JavaMiniGrid-MultiRoom-N6-v0", Map.of("paperReward", "maybe")));
        assertTrue(e.getMessage().contains("must be true or false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Environments.make("JavaMiniGrid-MultiRoom-N6-v0", Map.of("maxSteps", "0")));
        assertTrue(e.getMessage().contains("maxSteps must be at least 1"), e.getMessage());
        State s = Environments.make("JavaMiniGrid-MultiRoom-N6-v0", Map.of("actions", "0,1")).reset(1);
        e = assertThrows(IllegalArgumentException.class, () -> Environments.make("JavaMiniGrid-MultiRoom-N6-v0",
                Map.of("actions", "0,1")).step(s, 2));
        assertTrue(e.getMessage().contains("not legal") || e.getMessage().contains("not made by"), e.getMessage());
    }
}
