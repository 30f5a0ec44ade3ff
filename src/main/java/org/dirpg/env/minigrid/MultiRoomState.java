package org.dirpg.env.minigrid;

import org.dirpg.env.State;

/**
 * A MultiRoom state: the agent's cell and direction, the step count and which doors are open, over the episode's
 * shared immutable {@link MultiRoomLayout}. A few dozen bytes, so a search of thousands of nodes stays small. The
 * observation is rendered when first asked for and kept.
 */
public final class MultiRoomState implements State {
    final MultiRoomEnvironment env;
    final MultiRoomLayout map;
    final long seed;
    final int x;
    final int y;
    final int dir;
    final int steps;
    final long openDoors;
    final boolean terminal;
    private double[] features;

    MultiRoomState(MultiRoomEnvironment env, MultiRoomLayout map, long seed, int x, int y, int dir, int steps,
                   long openDoors, boolean terminal) {
        this.env = env;
        this.map = map;
        this.seed = seed;
        this.x = x;
        this.y = y;
        this.dir = dir;
        this.steps = steps;
        this.openDoors = openDoors;
        this.terminal = terminal;
    }

    @Override
    public boolean isTerminal() {
        return terminal;
    }

    @Override
    public long legalActions() {
        return terminal ? 0L : env.legalMask();
    }

    /**
     * The image (7x7x3, [x][y][channel]) then the direction, as the Python server's tensors "image" and "direction"
     * arrive in a remote state's features.
     */
    @Override
    public double[] features() {
        double[] f = features;
        if (f == null) {
            byte[] image = image();
            f = new double[EgocentricView.IMAGE_LENGTH + 1];
            for (int i = 0; i < image.length; i++) {
                f[i] = image[i];
            }
            f[image.length] = dir;
            features = f;
        }
        return f;
    }

    /**
     * MiniGrid's observation {@code image}: 147 bytes, (object, colour, state) per cell, flattened [x][y][c] (in the
     * 2020 gym-minigrid's encoding when the environment's {@code encoding} option asks for it: {@link LegacyEncoding}).
     */
    public byte[] image() {
        byte[] image = new byte[EgocentricView.IMAGE_LENGTH];
        if (env.legacyEncoding()) {
            EgocentricView.render(map, openDoors, x, y, dir, true, image);
            LegacyEncoding.apply(image);
        } else {
            EgocentricView.render(map, openDoors, x, y, dir, env.seeThroughWalls(), image);
        }
        return image;
    }

    /** The valid upper bound of the paper reward's return-to-go (see {@link MultiRoomBounds#upper}). */
    @Override
    public double returnToGoUpperBound() {
        if (terminal) {
            return 0.0;
        }
        return env.paperReward() ? MultiRoomBounds.upper(this) : Double.POSITIVE_INFINITY;
    }

    /** The authors' discounted heuristic (see {@link MultiRoomBounds#discounted}). */
    @Override
    public double returnToGoHeuristic() {
        if (terminal) {
            return 0.0;
        }
        return env.paperReward() ? MultiRoomBounds.discounted(this) : Double.POSITIVE_INFINITY;
    }

    /** The agent's cell and direction as {x, y, direction}. */
    public int[] agent() {
        return new int[] {x, y, dir};
    }

    public int stepCount() {
        return steps;
    }

    /** Bit k set when door k (in grid order) is open. */
    public long openDoors() {
        return openDoors;
    }

    /** The episode's map. */
    public MultiRoomLayout layout() {
        return map;
    }

    /** Doors that are closed now. */
    int closedDoors() {
        return map.numDoors - Long.bitCount(openDoors);
    }

    /** |goal - agent|_1. */
    int goalDistance() {
        return Math.abs(map.goalX - x) + Math.abs(map.goalY - y);
    }
}
