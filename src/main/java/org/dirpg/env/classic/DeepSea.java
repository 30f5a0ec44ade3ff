package org.dirpg.env.classic;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.EnumerableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.NoiseKeys;
import org.dirpg.env.Outcome;
import org.dirpg.env.State;
import org.dirpg.env.Space;
import org.dirpg.env.TensorSpec;
import org.dirpg.env.Transition;

/**
 * DeepSea, as adapted in Sec. 6.2 of the paper to study the risk sensitivity of eq. (11) and (14).
 *
 * <h2>Description</h2>
 * An N x N grid (N = 5 in the paper). The agent starts in the top-left cell and moves one row down per step, so an
 * episode has N - 1 decisions. Only the all-RIGHT trajectory reaches the bottom-right corner. With N = 5, LLLL
 * returns 0 with no variance and RRRR returns N(0, sigma^2): any mixture of the two has the best expected return, and
 * only the risk term of (14) decides between them.
 *
 * <h2>Action Space</h2>
 * {@code Discrete(2)}: 0 = LEFT (move down and left, clamped at column 0), 1 = RIGHT (move down and right).
 * Both actions are legal at every non-terminal state.
 *
 * <h2>Observation Space</h2>
 * One tensor {@code cell} of shape (N, N): the one-hot of the agent's cell, row-major. {@link State#index()} is the
 * cell id {@code row * N + col}, for tabular policies (App. C.2 uses a linear layer on this one-hot).
 *
 * <h2>Rewards</h2>
 * LEFT pays 0. RIGHT pays {@code -1/(N-2)} unless it enters the bottom-right corner, in which case it pays a draw from
 * N(1, sigma^2). With N = 5, RRRR collects three payments of -1/3 and then the draw, so its return is
 * {@code -1 + N(1, sigma^2) = N(0, sigma^2)} and E[RRRR] = E[LLLL] = 0 exactly. The paper's text (Sec. 6.2) says
 * N(1, 1), i.e. sigma = 1, this class's default; the authors' notebook, which produced Fig. 2c, draws
 * {@code np.random.normal(mean_reward + goal_bonus, 10.0 + std_reward)} with std_reward = 0, i.e. sigma = 10
 * ({@code experiment deepsea} defaults to 10; {@code train -o sigma=10} selects it). The choice matters: the risk
 * term of eq. (14) scales with sigma^2. For general N the per-step cost -1/(N-2) keeps E[R...R] = 0. The Gaussian draw belongs to the
 * state-reward tree S: it is a function of the episode seed and the path, so re-stepping the node repeats it.
 * The reward is unbounded, so states carry no return-to-go bounds. {@link #outcomes} replaces the Gaussian by
 * Gauss–Hermite quadrature for the exact evaluator.
 *
 * <h2>Starting State</h2>
 * The top-left cell (row 0, column 0), for every seed.
 *
 * <h2>Episode End</h2>
 * Terminated after N - 1 steps, on reaching the bottom row. Never truncated.
 *
 * <h2>Arguments</h2>
 * {@code size} N >= 3 (default 5); {@code sigma} >= 0, the standard deviation of the corner reward (default 1, the
 * paper's text; the notebook behind Fig. 2c used 10);
 * {@code quadratureNodes}, the Gauss–Hermite nodes used by {@link #outcomes} (default 20).
 */
public final class DeepSea implements EnumerableEnvironment, EncodableEnvironment {
    public static final String ID = "DeepSea-v0";
    public static final int LEFT = 0;
    public static final int RIGHT = 1;

    private final int size;
    private final double sigma;
    private final GaussHermite quadrature;
    private final long fingerprint;
    private final EnvironmentSpec spec;

    /** The DeepSea of the paper's text: 5 x 5, sigma = 1, 20 quadrature nodes (the authors' notebook: sigma = 10). */
    public DeepSea() {
        this(5, 1.0, 20);
    }

    public DeepSea(int size, double sigma, int quadratureNodes) {
        if (size < 3 || size > 1000) {
            throw new IllegalArgumentException(ID + ": size must be in [3, 1000], got " + size);
        }
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException(ID + ": sigma must be a finite number >= 0, got " + sigma);
        }
        this.size = size;
        this.sigma = sigma;
        this.quadrature = new GaussHermite(quadratureNodes);
        this.fingerprint = StateCodec.fingerprint(size, sigma);
        double min = sigma > 0 ? Double.NEGATIVE_INFINITY : Math.min(stepCost(), 1.0);
        double max = sigma > 0 ? Double.POSITIVE_INFINITY : 1.0;
        this.spec = new EnvironmentSpec(ID, 2, List.of(new TensorSpec("cell", new int[] {size, size}, "float64",
                new Space.MultiBinary())), false, min, max, size - 1);
    }

    public int size() {
        return size;
    }

    public double sigma() {
        return sigma;
    }

    /** The reward of a RIGHT step that does not enter the corner: -1/(N-2). */
    public double stepCost() {
        return -1.0 / (size - 2);
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public State initialState() {
        return new Cell(this, 0, 0, 0L);
    }

    @Override
    public State reset(long seed) {
        return new Cell(this, 0, 0, NoiseKeys.root(seed));
    }

    @Override
    public Transition step(State state, int action) {
        Cell s = own(state);
        Environment.requireLegal(spec, s, action);
        long childKey = NoiseKeys.child(s.key, action);
        Cell next = move(s, action, childKey);
        double reward;
        if (action == LEFT) {
            reward = 0.0;
        } else if (isCorner(next)) {
            reward = 1.0 + sigma * NoiseKeys.random(childKey).nextGaussian();
        } else {
            reward = stepCost();
        }
        return Transition.of(next, reward, next.isTerminal(), false);
    }

    @Override
    public List<Outcome> outcomes(State state, int action) {
        Cell s = own(state);
        Environment.requireLegal(spec, s, action);
        long childKey = NoiseKeys.child(s.key, action);
        Cell next = move(s, action, childKey);
        if (action == LEFT) {
            return List.of(new Outcome(1.0, Transition.of(next, 0.0, next.isTerminal(), false)));
        }
        if (!isCorner(next) || sigma == 0) {
            double reward = isCorner(next) ? 1.0 : stepCost();
            return List.of(new Outcome(1.0, Transition.of(next, reward, next.isTerminal(), false)));
        }
        List<Outcome> out = new ArrayList<>(quadrature.size());
        for (int i = 0; i < quadrature.size(); i++) {
            out.add(new Outcome(quadrature.weight(i), Transition.of(next, 1.0 + sigma * quadrature.node(i), true, false)));
        }
        return out;
    }

    @Override
    public byte[] encode(State state) {
        Cell s = own(state);
        return StateCodec.writer(ID, fingerprint).writeInt(s.row).writeInt(s.col).writeLong(s.key).toBytes();
    }

    @Override
    public State decode(byte[] bytes) {
        StateCodec.Reader r = StateCodec.reader(bytes, ID, fingerprint);
        int row = r.readInt("row", 0, size - 1);
        int col = r.readInt("col", 0, row);
        long key = r.readLong("key");
        r.finish();
        return new Cell(this, row, col, key);
    }

    private Cell move(Cell s, int action, long childKey) {
        int col = action == LEFT ? Math.max(0, s.col - 1) : s.col + 1;
        return new Cell(this, s.row + 1, col, childKey);
    }

    private boolean isCorner(Cell c) {
        return c.row == size - 1 && c.col == size - 1;
    }

    private Cell own(State state) {
        if (state instanceof Cell c && c.env.fingerprint == fingerprint && c.env.size == size) {
            return c;
        }
        throw new IllegalArgumentException(ID + ": state " + state + " was not made by this environment");
    }

    /** A cell of the grid with the noise key of its node of S. */
    static final class Cell implements State {
        private final DeepSea env;
        private final int row;
        private final int col;
        private final long key;

        Cell(DeepSea env, int row, int col, long key) {
            this.env = env;
            this.row = row;
            this.col = col;
            this.key = key;
        }

        int row() {
            return row;
        }

        int col() {
            return col;
        }

        @Override
        public boolean isTerminal() {
            return row == env.size - 1;
        }

        @Override
        public long legalActions() {
            return isTerminal() ? 0L : 0b11L;
        }

        @Override
        public double[] features() {
            double[] f = new double[env.size * env.size];
            f[index()] = 1.0;
            return f;
        }

        @Override
        public int index() {
            return row * env.size + col;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cell c && c.row == row && c.col == col && c.key == key && c.env.fingerprint == env.fingerprint;
        }

        @Override
        public int hashCode() {
            return Objects.hash(row, col, key);
        }

        @Override
        public String toString() {
            return "DeepSea.Cell(row=" + row + ", col=" + col + ")";
        }
    }
}
