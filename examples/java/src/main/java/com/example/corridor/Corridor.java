package com.example.corridor;

import java.util.List;
import java.util.Map;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.Space;
import org.dirpg.env.State;
import org.dirpg.env.TensorSpec;
import org.dirpg.env.Transition;

/**
 * A corridor of cells 0..length: start in cell 0, actions left (0) and right (1), reward 1 on reaching the last
 * cell, which ends the episode; an episode is cut after 2 * length steps. Observation: the cell, one-hot.
 * Option "length" (default 6). Deterministic, so reset's seed changes nothing.
 */
public final class Corridor implements Environment {
    private final int length;
    private final EnvironmentSpec spec;

    /** An immutable snapshot: the cell and the steps taken. The search steps it as often as it likes. */
    record Cell(int length, int position, int steps) implements State {
        @Override
        public boolean isTerminal() {
            return position == length || steps == 2 * length;
        }

        @Override
        public long legalActions() {
            return isTerminal() ? 0L : position == 0 ? 0b10L : 0b11L;
        }

        @Override
        public double[] features() {
            double[] x = new double[length + 1];
            x[position] = 1;
            return x;
        }

        @Override
        public double returnToGoUpperBound() {
            return isTerminal() ? 0 : 1;
        }
    }

    public Corridor(Map<String, String> options) {
        this.length = Integer.parseInt(options.getOrDefault("length", "6"));
        this.spec = new EnvironmentSpec("Corridor-v0", 2,
                List.of(new TensorSpec("cell", new int[] {length + 1}, "float64", new Space.MultiBinary())),
                true, 0.0, 1.0, 2 * length);
    }

    public Corridor() {
        this(Map.of());
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public State reset(long seed) {
        return new Cell(length, 0, 0);
    }

    @Override
    public Transition step(State state, int action) {
        Environment.requireLegal(spec, state, action);
        Cell c = (Cell) state;
        Cell next = new Cell(length, c.position() + (action == 1 ? 1 : -1), c.steps() + 1);
        boolean goal = next.position() == length;
        return Transition.of(next, goal ? 1.0 : 0.0, goal, !goal && next.isTerminal());
    }
}
