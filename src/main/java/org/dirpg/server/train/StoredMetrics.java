package org.dirpg.server.train;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import org.dirpg.proto.train.v1.UpdateMetrics;

/**
 * Reads a metrics row of the {@link RunStore}, including rows an older server wrote before UpdateMetrics had explicit
 * presence. Those carry dir_return, d_opt, d_dir, candidates, first_improvement and gradient_norm under the numbers
 * now reserved (4, 5, 6, 7, 9, 10), with NaN or -1 for "not measured"; their values move to the optional fields under
 * the rule the server applies to fresh metrics ({@link RunProtos#metrics}, which converts them): NaN and -1 become
 * absent.
 *
 * <p>An old row always holds field 7 (candidates: at least 1 for DirPG, -1 otherwise), and a new row never holds
 * any reserved number, which tells the two apart. In an old row a missing field is the proto3 default 0, a measured
 * value (e.g. gradient_norm 0 when nothing improved), since "not measured" was always written as NaN or -1.
 */
final class StoredMetrics {
    private static final int DIR_RETURN = 4;
    private static final int D_OPT = 5;
    private static final int D_DIR = 6;
    private static final int CANDIDATES = 7;
    private static final int FIRST_IMPROVEMENT = 9;
    private static final int GRADIENT_NORM = 10;

    private StoredMetrics() {
    }

    /** The metrics a stored row holds, in the current form. */
    static UpdateMetrics parse(byte[] row) throws InvalidProtocolBufferException {
        UpdateMetrics m = UpdateMetrics.parseFrom(row);
        UnknownFieldSet old = m.getUnknownFields();
        if (!old.hasField(CANDIDATES)) {
            return m;
        }
        org.dirpg.train.UpdateMetrics raw = new org.dirpg.train.UpdateMetrics(m.getUpdate(), m.getInteractions(),
                m.getUpdateReturn(), oldDouble(old, DIR_RETURN), oldDouble(old, D_OPT), oldDouble(old, D_DIR),
                (int) oldVarint(old, CANDIDATES), m.getSearchInteractions(), oldVarint(old, FIRST_IMPROVEMENT),
                oldDouble(old, GRADIENT_NORM));
        return RunProtos.metrics(raw, m.getUpdate(), m.getInteractions());
    }

    /** A double field of the old form: the last value on the wire (proto semantics), else the default 0. */
    private static double oldDouble(UnknownFieldSet old, int number) {
        List<Long> bits = old.hasField(number) ? old.getField(number).getFixed64List() : List.of();
        return bits.isEmpty() ? 0.0 : Double.longBitsToDouble(bits.get(bits.size() - 1));
    }

    /** An int32/int64 field of the old form (-1 travels as a 64-bit varint): the last value, else 0. */
    private static long oldVarint(UnknownFieldSet old, int number) {
        List<Long> values = old.hasField(number) ? old.getField(number).getVarintList() : List.of();
        return values.isEmpty() ? 0L : values.get(values.size() - 1);
    }
}
