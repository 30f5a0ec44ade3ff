package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.env.classic.Environments;
import org.dirpg.env.minigrid.MultiRoomEnvironment;
import org.dirpg.env.minigrid.MultiRoomLayout;
import org.dirpg.env.minigrid.MultiRoomState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance test of the Java MiniGrid twin ({@link MultiRoomEnvironment}): differential, against real Farama
 * MiniGrid 3.2.0 from the package registry.
 *
 * <ul>
 *   <li>Maps: for every seed, {@code env.reset(seed=k)} in Python (full {@code grid.encode()}, agent cell and
 *       direction) equals the twin's map.</li>
 *   <li>Steps: the real Python env server and the twin, reset with the same seeds, then driven by random and by
 *       door-seeking action sequences; at every step, the state is stepped with every legal action (branching from
 *       the saved state, as the search does) on both sides and every child compared: observation bytes, direction,
 *       reward, terminated, truncated, legal mask, the upper bound and the heuristic. When an episode ends, the
 *       sequence resumes from an earlier saved state. For both reward variants and both see-through settings.</li>
 * </ul>
 * A mismatch names the configuration, seed, step, action and field. The default suite runs a slice (all 1,000 N6
 * maps; 8 seeds x 200 steps x 2 policies per configuration); {@code -Ddirpg.differential=full} runs 1,000 seeds x
 * 200 steps x 2 policies per configuration (scripts/differential-minigrid.sh).
 */
class MiniGridTwinDifferentialTest {
    private static final boolean FULL = "full".equals(System.getProperty("dirpg.differential"));
    private static final int STEPS = 200;
    private static final int SEEDS = FULL ? 1000 : 8;
    private static final int SEEDS_PER_BATCH = 25;
    private static final String KEY = "differential test key";

    static Stream<Arguments> variants() {
        return Stream.of(Arguments.of("MiniGrid-MultiRoom-N6-v0", 1000), Arguments.of("MiniGrid-MultiRoom-N2-S4-v0", FULL ? 1000 : 200),
                Arguments.of("MiniGrid-MultiRoom-N4-S5-v0", FULL ? 1000 : 200), Arguments.of("MiniGrid-MultiRoom-N4-S5-v1", FULL ? 1000 : 200));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void mapsEqualPythonForEverySeed(String minigridId, int seeds) throws Exception {
        Path python = PythonEnvServer.requirePython();
        Process p = new ProcessBuilder(python.toString(), Path.of("src/test/python/minigrid_reference.py").toAbsolutePath().toString(),
                minigridId, "0", Integer.toString(seeds))
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        MultiRoomEnvironment twin = (MultiRoomEnvironment) Environments.make(MultiRoomEnvironment.twinId(minigridId));
        int checked = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ");
                long seed = Long.parseLong(f[0]);
                MultiRoomLayout map = twin.layout(seed);
                String where = minigridId + " seed " + seed;
                assertEquals(Integer.parseInt(f[1]), map.width(), where + ": width");
                assertEquals(Integer.parseInt(f[2]), map.height(), where + ": height");
                int[] start = map.start();
                assertEquals(Integer.parseInt(f[3]), start[0], where + ": agent x");
                assertEquals(Integer.parseInt(f[4]), start[1], where + ": agent y");
                assertEquals(Integer.parseInt(f[5]), start[2], where + ": agent direction");
                byte[] expected = HexFormat.of().parseHex(f[6]);
                byte[] actual = map.encodeGrid(0L);
                if (!Arrays.equals(expected, actual)) {
                    int i = Arrays.mismatch(expected, actual);
                    int cell = i / 3;
                    fail(where + ": grid differs at x=" + cell / map.height() + ", y=" + cell % map.height() + ", channel "
                            + i % 3 + ": Python " + expected[i] + ", twin " + actual[i]);
                }
                checked++;
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "reference script did not exit");
        assertEquals(0, p.exitValue(), "reference script failed");
        assertEquals(seeds, checked, "maps compared");
    }

    /** (name, paper reward, see through walls, legal actions) */
    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("minigrid-reward", false, false, null),
                Arguments.of("minigrid-reward-see-through", false, true, null),
                Arguments.of("paper-reward", true, true, "0,1,2,5"),
                Arguments.of("paper-reward-walls-opaque", true, false, "0,1,2,5"));
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void everyStepEqualsPython(String name, boolean paper, boolean seeThrough, String actions) throws Exception {
        String id = "MiniGrid-MultiRoom-N6-v0";
        List<String> flags = new ArrayList<>();
        if (paper) {
            flags.add("--paper-reward");
        }
        flags.add("--env-kwargs");
        flags.add("{\"see_through_walls\": " + seeThrough + "}");
        if (actions != null) {
            flags.addAll(List.of("--actions", actions));
        }
        Map<String, String> options = actions == null
                ? Map.of("paperReward", Boolean.toString(paper), "seeThroughWalls", Boolean.toString(seeThrough))
                : Map.of("paperReward", Boolean.toString(paper), "seeThroughWalls", Boolean.toString(seeThrough), "actions", actions);
        MultiRoomEnvironment twin = (MultiRoomEnvironment) Environments.make(MultiRoomEnvironment.twinId(id), options);
        long compared = 0;
        try (PythonEnvServer server = PythonEnvServer.start(id, KEY, flags.toArray(String[]::new));
             RemoteEnvironment remote = RemoteEnvironment.connect(id, new EndpointList(List.of(server.endpoint)),
                     RemoteOptions.defaults().withMaxMessageBytes(64 << 20))) {
            assertEquals(twin.spec().observation(), remote.spec().observation(), name + ": observation spec");
            assertEquals(twin.spec().numActions(), remote.spec().numActions(), name + ": actions");
            assertEquals(twin.spec().providesBound(), remote.spec().providesBound(), name + ": provides bound");
            for (int first = 0; first < SEEDS; first += SEEDS_PER_BATCH) {
                List<Walk> walks = new ArrayList<>();
                for (int seed = first; seed < Math.min(SEEDS, first + SEEDS_PER_BATCH); seed++) {
                    for (boolean doorSeeking : new boolean[] {false, true}) {
                        String where = name + " seed " + seed + (doorSeeking ? " door-seeking" : " random");
                        State t = twin.reset(seed);
                        State r = remote.reset(seed);
                        compare(where + " reset", t, r);
                        walks.add(new Walk(where, doorSeeking, seed, t, r));
                    }
                }
                compared += run(twin, remote, walks);
            }
        }
        assertTrue(compared >= (long) SEEDS * 2 * STEPS * 4, name + ": only " + compared + " transitions compared");
    }

    /** Drives the walks in lockstep, one StepBatch per round; returns the transitions compared. */
    private static long run(MultiRoomEnvironment twin, RemoteEnvironment remote, List<Walk> walks) {
        long compared = 0;
        for (int step = 0; step < STEPS; step++) {
            List<State> twinStates = new ArrayList<>();
            List<State> remoteStates = new ArrayList<>();
            List<Integer> actions = new ArrayList<>();
            for (Walk w : walks) {
                for (long bits = w.twin.legalActions(); bits != 0; bits &= bits - 1) {
                    twinStates.add(w.twin);
                    remoteStates.add(w.remote);
                    actions.add(Long.numberOfTrailingZeros(bits));
                }
            }
            int[] a = actions.stream().mapToInt(Integer::intValue).toArray();
            List<Transition> fromTwin = twin.stepBatch(twinStates, a);
            List<Transition> fromPython = remote.stepBatch(remoteStates, a);
            int k = 0;
            for (Walk w : walks) {
                Transition[] twinChildren = new Transition[7];
                Transition[] pythonChildren = new Transition[7];
                for (long bits = w.twin.legalActions(); bits != 0; bits &= bits - 1, k++) {
                    int action = a[k];
                    String where = w.where + " step " + step + " action " + action;
                    Transition t = fromTwin.get(k);
                    Transition p = fromPython.get(k);
                    assertEquals(p.reward(), t.reward(), where + ": reward");
                    assertEquals(p.terminated(), t.terminated(), where + ": terminated");
                    assertEquals(p.truncated(), t.truncated(), where + ": truncated");
                    compare(where, t.next(), p.next());
                    twinChildren[action] = t;
                    pythonChildren[action] = p;
                    compared++;
                }
                int next = w.choose();
                w.advance(twinChildren[next].next(), pythonChildren[next].next());
            }
        }
        return compared;
    }

    private static void compare(String where, State twin, State python) {
        double[] t = twin.features();
        double[] p = python.features();
        if (!Arrays.equals(p, t)) {
            int i = Arrays.mismatch(p, t);
            String field = i >= 147 ? "direction" : "image x=" + i / 21 + " y=" + (i / 3) % 7 + " channel " + i % 3;
            fail(where + ": observation " + field + ": Python " + (i < p.length ? p[i] : "none") + ", twin "
                    + (i < t.length ? t[i] : "none"));
        }
        assertEquals(python.isTerminal(), twin.isTerminal(), where + ": terminal");
        assertEquals(python.legalActions(), twin.legalActions(), where + ": legal mask");
        assertEquals(python.returnToGoUpperBound(), twin.returnToGoUpperBound(), where + ": upper bound");
        assertEquals(python.returnToGoHeuristic(), twin.returnToGoHeuristic(), where + ": heuristic");
    }

    /** One seed's action sequence on both sides, with the saved states it can branch back to. */
    private static final class Walk {
        final String where;
        final boolean doorSeeking;
        final SplittableRandom rng;
        final List<State[]> saved = new ArrayList<>();
        State twin;
        State remote;

        Walk(String where, boolean doorSeeking, long seed, State twin, State remote) {
            this.where = where;
            this.doorSeeking = doorSeeking;
            this.rng = new SplittableRandom(seed * 2 + (doorSeeking ? 1 : 0));
            this.twin = twin;
            this.remote = remote;
            saved.add(new State[] {twin, remote});
        }

        int choose() {
            long legal = twin.legalActions();
            if (!doorSeeking || rng.nextInt(10) == 0) {
                int n = rng.nextInt(Long.bitCount(legal));
                long bits = legal;
                for (int i = 0; i < n; i++) {
                    bits &= bits - 1;
                }
                return Long.numberOfTrailingZeros(bits);
            }
            return DoorSeeker.action((MultiRoomState) twin);
        }

        /** Moves on to the chosen child, or back to a random saved state once the episode has ended. */
        void advance(State twinChild, State remoteChild) {
            if (twinChild.isTerminal()) {
                State[] back = saved.get(rng.nextInt(saved.size()));
                twin = back[0];
                remote = back[1];
            } else {
                twin = twinChild;
                remote = remoteChild;
                saved.add(new State[] {twin, remote});
            }
        }
    }
}
