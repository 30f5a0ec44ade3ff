package org.dirpg.server.env;

import java.nio.ByteBuffer;
import java.util.List;
import org.dirpg.env.EncodableEnvironment;
import org.dirpg.env.Environment;
import org.dirpg.env.EnvironmentSpec;
import org.dirpg.env.State;
import org.dirpg.env.TensorSpec;
import org.dirpg.env.Transition;

/**
 * A small encodable test environment whose observation uses all four protocol dtypes.
 *
 * <p>Description: a walk of {@code horizon} steps on positions 0..7 with three actions (left, stay, right); left is
 * illegal at position 0. Action Space: {0, 1, 2}. Observation Space: "position" uint8[1], "depth" int64[1],
 * "key" float32[2] (two halves of the node's noise key scaled to [0, 1)), "noise" float64[1]. Rewards: a draw in
 * [-1, 1) from the child's noise key, fixed per node of the tree S. Starting State: position 3 with a key from the
 * seed. Episode End: terminated after {@code horizon} steps. Arguments: id, horizon, and {@code breakAtDepth}
 * (a depth whose steps make a NaN reward, to test the server's handling of a misbehaving env; -1 for none).
 */
public final class NoisyChainFixture implements EncodableEnvironment {
    private final EnvironmentSpec spec;
    private final int horizon;
    private final int breakAtDepth;

    public NoisyChainFixture(String id, int horizon, int breakAtDepth) {
        this.spec = new EnvironmentSpec(id, 3, List.of(
                new TensorSpec("position", new int[] {1}, "uint8"),
                new TensorSpec("depth", new int[] {1}, "int64"),
                new TensorSpec("key", new int[] {2}, "float32"),
                new TensorSpec("noise", new int[] {1}, "float64")), true, -1, 1);
        this.horizon = horizon;
        this.breakAtDepth = breakAtDepth;
    }

    record Node(NoisyChainFixture env, int position, int depth, long key) implements State {
        @Override
        public boolean isTerminal() {
            return depth >= env.horizon;
        }

        @Override
        public long legalActions() {
            return isTerminal() ? 0 : position == 0 ? 0b110 : 0b111;
        }

        @Override
        public double[] features() {
            return new double[] {position, depth, (key >>> 40) / 0x1p24, (key & 0xffffff) / 0x1p24,
                    unit(key) * 2 - 1};
        }

        @Override
        public double returnToGoUpperBound() {
            return env.horizon - depth;
        }
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public State reset(long seed) {
        return new Node(this, 3, 0, mix(seed ^ 0x5DEECE66DL));
    }

    @Override
    public Transition step(State state, int action) {
        Environment.requireLegal(spec, state, action);
        Node n = (Node) state;
        long key = mix(n.key * 31 + action + 1);
        Node next = new Node(this, Math.min(7, Math.max(0, n.position + action - 1)), n.depth + 1, key);
        double reward = n.depth == breakAtDepth ? Double.NaN : unit(key) * 2 - 1;
        return Transition.of(next, reward, next.isTerminal(), false);
    }

    @Override
    public byte[] encode(State state) {
        Node n = (Node) state;
        return ByteBuffer.allocate(16).putInt(n.position).putInt(n.depth).putLong(n.key).array();
    }

    @Override
    public State decode(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException(spec.id() + " states are 16 bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new Node(this, b.getInt(), b.getInt(), b.getLong());
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static double unit(long key) {
        return (key >>> 11) * 0x1p-53;
    }
}
