package org.dirpg.env.minigrid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dirpg.env.ActionSets;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.State;
import org.dirpg.env.Space;
import org.dirpg.env.TensorSpec;
import org.dirpg.env.Transition;
import org.dirpg.env.classic.StateCodec;

/**
 * MiniGrid's MultiRoom ({@code minigrid.envs.MultiRoomEnv}, MiniGrid 3.2.0) as a native Java environment: a twin of
 * the Python original, verified against it step for step (MiniGridTwinDifferentialTest), for the paper's Fig. 3 at
 * the paper's scale.
 *
 * <h2>Description</h2>
 * A series of rooms joined by closed (unlocked) doors; the green goal is in the last room. The map, door colours and
 * the agent's start are generated from the reset seed exactly as gymnasium's {@code reset(seed=...)} generates them
 * (numpy's PCG64, {@link Pcg64}).
 *
 * <h2>Action Space</h2>
 * Discrete(7): left 0, right 1, forward 2, pickup 3, drop 4, toggle 5, done 6 (3, 4, 6 do nothing in MultiRoom but
 * use a step). Option {@code actions} (e.g. "0,1,2,5") restricts the legal set, as the Python server's
 * {@code --actions}.
 *
 * <h2>Observation Space</h2>
 * {@code image}: uint8 (7, 7, 3), [x][y][channel] with channels (object, colour, state), the agent at (3, 6) looking
 * towards y = 0; {@code direction}: int64 scalar 0..3 (right, down, left, up).
 *
 * <h2>Rewards</h2>
 * MiniGrid's: {@code 1 - 0.9 step_count / max_steps} on reaching the goal, else 0. With option {@code paperReward}:
 * the paper's (goal +100, opening a door +30, closing one -30), with the return-to-go bounds of
 * {@link MultiRoomBounds}.
 *
 * <h2>Starting State</h2>
 * A random cell and direction in the first room.
 *
 * <h2>Episode End</h2>
 * Terminated on reaching the goal; truncated when the step count reaches {@code maxSteps}.
 *
 * <h2>Arguments</h2>
 * {@code paperReward} (false), {@code maxSteps} (20 x rooms, or 100 with the paper reward), {@code seeThroughWalls}
 * (false, or true with the paper reward, as the authors set it), {@code actions} (all), {@code encoding}
 * ({@code minigrid}, or {@code gym-minigrid-2020} for the authors' vendored encoding, {@link LegacyEncoding}). The room
 * counts and sizes
 * come from the id, as MiniGrid's registrations.
 */
public final class MultiRoomEnvironment implements EncodableEnvironment {
    /** The twins' ids are the MiniGrid ids with "MiniGrid-" replaced by this prefix, e.g. JavaMiniGrid-MultiRoom-N6-v0. */
    public static final String PREFIX = "JavaMiniGrid-";
    /** MiniGrid's MultiRoom registrations: id -> {minNumRooms, maxNumRooms, maxRoomSize}. */
    private static final Map<String, int[]> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("MiniGrid-MultiRoom-N6-v0", new int[] {6, 6, 10});
        VARIANTS.put("MiniGrid-MultiRoom-N2-S4-v0", new int[] {2, 2, 4});
        VARIANTS.put("MiniGrid-MultiRoom-N4-S5-v0", new int[] {6, 6, 5});
        VARIANTS.put("MiniGrid-MultiRoom-N4-S5-v1", new int[] {4, 4, 5});
    }

    static final int LEFT = 0;
    static final int RIGHT = 1;
    static final int FORWARD = 2;
    static final int TOGGLE = 5;
    private static final int NUM_ACTIONS = 7;
    private static final int SIZE = 25;
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};

    private final String minigridId;
    private final int[] variant;
    private final boolean paperReward;
    private final int maxSteps;
    private final boolean seeThroughWalls;
    private final boolean legacyEncoding;
    private final long legalMask;
    private final EnvironmentSpec spec;
    private final long fingerprint;
    private final LayoutCache layouts = new LayoutCache(64);

    /**
     * @param minigridId      the MiniGrid id reproduced, e.g. "MiniGrid-MultiRoom-N6-v0"
     * @param paperReward     the paper's reward and bounds instead of MiniGrid's
     * @param maxSteps        the step limit, or null for the default (20 x rooms; 100 with the paper reward)
     * @param seeThroughWalls MiniGrid's option, or null for the default (false; true with the paper reward)
     * @param legalMask       the legal actions as a bit mask over 0..6
     */
    public MultiRoomEnvironment(String minigridId, boolean paperReward, Integer maxSteps, Boolean seeThroughWalls,
                                long legalMask) {
        this(minigridId, paperReward, maxSteps, seeThroughWalls, legalMask, null);
    }

    /**
     * As {@link #MultiRoomEnvironment(String, boolean, Integer, Boolean, long)}, with the observation encoding.
     *
     * @param encoding "minigrid" (or null: today's MiniGrid) or "gym-minigrid-2020" ({@link LegacyEncoding})
     */
    public MultiRoomEnvironment(String minigridId, boolean paperReward, Integer maxSteps, Boolean seeThroughWalls,
                                long legalMask, String encoding) {
        int[] v = VARIANTS.get(minigridId);
        if (v == null) {
            throw new IllegalArgumentException("no MiniGrid twin for '" + minigridId + "'; known: "
                    + String.join(", ", VARIANTS.keySet()));
        }
        this.minigridId = minigridId;
        this.variant = v;
        this.paperReward = paperReward;
        this.maxSteps = maxSteps != null ? maxSteps : paperReward ? 100 : v[1] * 20;
        if (this.maxSteps < 1) {
            throw new IllegalArgumentException(id() + ": maxSteps must be at least 1, got " + this.maxSteps);
        }
        this.seeThroughWalls = seeThroughWalls != null ? seeThroughWalls : paperReward;
        if (encoding != null && !encoding.equals("minigrid") && !encoding.equals(LegacyEncoding.NAME)) {
            throw new IllegalArgumentException(id() + ": encoding must be minigrid or " + LegacyEncoding.NAME
                    + ", got '" + encoding + "'");
        }
        this.legacyEncoding = LegacyEncoding.NAME.equals(encoding);
        long all = (1L << NUM_ACTIONS) - 1;
        if (legalMask == 0 || (legalMask & ~all) != 0) {
            throw new IllegalArgumentException(id() + ": actions must be a non-empty subset of 0..6, got "
                    + ActionSets.toString(legalMask));
        }
        this.legalMask = legalMask;
        this.spec = new EnvironmentSpec(id(), NUM_ACTIONS,
                List.of(new TensorSpec("image", new int[] {7, 7, 3}, "uint8",
                                new Space.Box(new double[] {0}, new double[] {255}, Boolean.TRUE)),
                        new TensorSpec("direction", new int[0], "int64", new Space.Discrete(4))),
                paperReward,
                paperReward ? MultiRoomBounds.CLOSE_DOOR_REWARD : 0.0,
                paperReward ? MultiRoomBounds.GOAL_REWARD : 1.0,
                this.maxSteps);
        this.fingerprint = legacyEncoding
                ? StateCodec.fingerprint(paperReward ? 1 : 0, this.maxSteps, this.seeThroughWalls ? 1 : 0, legalMask, 2020)
                : StateCodec.fingerprint(paperReward ? 1 : 0, this.maxSteps, this.seeThroughWalls ? 1 : 0, legalMask);
    }

    /** The MiniGrid ids that have a twin. */
    public static List<String> minigridIds() {
        return List.copyOf(VARIANTS.keySet());
    }

    /** This twin's id, e.g. JavaMiniGrid-MultiRoom-N6-v0 for MiniGrid-MultiRoom-N6-v0. */
    public String id() {
        return twinId(minigridId);
    }

    /** The twin's id for a MiniGrid id: "MiniGrid-" replaced by {@value #PREFIX}. */
    public static String twinId(String minigridId) {
        return PREFIX + minigridId.substring(minigridId.indexOf('-') + 1);
    }

    /** The MiniGrid id this twin reproduces. */
    public String minigridId() {
        return minigridId;
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    public boolean paperReward() {
        return paperReward;
    }

    public int maxSteps() {
        return maxSteps;
    }

    public boolean seeThroughWalls() {
        return seeThroughWalls;
    }

    /** True when observations use the 2020 gym-minigrid's encoding ({@link LegacyEncoding}). */
    public boolean legacyEncoding() {
        return legacyEncoding;
    }

    long legalMask() {
        return legalMask;
    }

    /** The map of the episode with {@code seed} (numpy's seed: the 64 bits read as unsigned, as the Python server). */
    public MultiRoomLayout layout(long seed) {
        return layouts.get(seed, s -> MultiRoomLayout.generate(Pcg64.seeded(s), variant[0], variant[1], variant[2],
                SIZE, SIZE));
    }

    @Override
    public State reset(long seed) {
        MultiRoomLayout map = layout(seed);
        return new MultiRoomState(this, map, seed, map.startX, map.startY, map.startDir, 0, 0L, false);
    }

    @Override
    public Transition step(State state, int action) {
        MultiRoomState s = own(state);
        Environment.requireLegal(spec, s, action);
        MultiRoomLayout map = s.map;
        int steps = s.steps + 1;
        int x = s.x;
        int y = s.y;
        int dir = s.dir;
        long open = s.openDoors;
        double reward = 0.0;
        boolean terminated = false;
        int fx = x + DX[dir];
        int fy = y + DY[dir];
        int front = fx + fy * map.width;
        byte frontType = map.type[front];
        switch (action) {
            case LEFT -> dir = (dir + 3) % 4;
            case RIGHT -> dir = (dir + 1) % 4;
            case FORWARD -> {
                boolean passable = frontType == MultiRoomLayout.EMPTY || frontType == MultiRoomLayout.GOAL
                        || (frontType == MultiRoomLayout.DOOR && (open >>> map.doorIndex[front] & 1L) != 0);
                if (passable) {
                    x = fx;
                    y = fy;
                }
                if (frontType == MultiRoomLayout.GOAL) {
                    terminated = true;
                    reward = paperReward ? MultiRoomBounds.GOAL_REWARD : 1 - 0.9 * ((double) steps / maxSteps);
                }
            }
            case TOGGLE -> {
                if (frontType == MultiRoomLayout.DOOR) {
                    long bit = 1L << map.doorIndex[front];
                    open ^= bit;
                    if (paperReward) {
                        reward += (open & bit) != 0 ? MultiRoomBounds.OPEN_DOOR_REWARD : MultiRoomBounds.CLOSE_DOOR_REWARD;
                    }
                }
            }
            default -> {
                // pickup, drop, done: nothing to pick up or drop in MultiRoom
            }
        }
        boolean truncated = steps >= maxSteps;
        MultiRoomState next = new MultiRoomState(this, map, s.seed, x, y, dir, steps, open, terminated || truncated);
        return Transition.of(next, reward, terminated, truncated);
    }

    @Override
    public byte[] encode(State state) {
        MultiRoomState s = own(state);
        return StateCodec.writer(id(), fingerprint).writeLong(s.seed).writeInt(s.x).writeInt(s.y).writeInt(s.dir)
                .writeInt(s.steps).writeLong(s.openDoors).writeInt(s.terminal ? 1 : 0).toBytes();
    }

    @Override
    public State decode(byte[] bytes) {
        StateCodec.Reader r = StateCodec.reader(bytes, id(), fingerprint);
        long seed = r.readLong("seed");
        MultiRoomLayout map = layout(seed);
        int x = r.readInt("x", 0, map.width - 1);
        int y = r.readInt("y", 0, map.height - 1);
        int dir = r.readInt("direction", 0, 3);
        int steps = r.readInt("step count", 0, maxSteps);
        long open = r.readLong("open doors");
        int terminal = r.readInt("terminal", 0, 1);
        r.finish();
        if ((open & ~((1L << map.numDoors) - 1)) != 0) {
            throw new IllegalArgumentException(id() + ": state token opens doors beyond the map's " + map.numDoors);
        }
        return new MultiRoomState(this, map, seed, x, y, dir, steps, open, terminal == 1);
    }

    private MultiRoomState own(State state) {
        if (!(state instanceof MultiRoomState s) || s.env != this) {
            throw new IllegalArgumentException(id() + ": the state was not made by this environment");
        }
        return s;
    }
}
