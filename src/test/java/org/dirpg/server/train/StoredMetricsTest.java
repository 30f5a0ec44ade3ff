package org.dirpg.server.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnknownFieldSet;
import java.nio.file.Path;
import java.util.List;
import org.dirpg.proto.train.v1.UpdateMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by a server from before UpdateMetrics had explicit presence (DirPG fields under the now
 * reserved numbers 4-7, 9, 10, NaN and -1 for "not measured") reads back in the current form; current rows are
 * untouched.
 */
class StoredMetricsTest {

    private static UnknownFieldSet.Field fixed64(double v) {
        return UnknownFieldSet.Field.newBuilder().addFixed64(Double.doubleToRawLongBits(v)).build();
    }

    private static UnknownFieldSet.Field varint(long v) {
        return UnknownFieldSet.Field.newBuilder().addVarint(v).build();
    }

    /** A row as the old schema wrote it: proto3 left out zeros, and wrote NaN / -1 for what was not measured. */
    private static UpdateMetrics oldRow(long update, double dirReturn, double dOpt, double dDir, int candidates,
                                        long firstImprovement, double gradientNorm) {
        UnknownFieldSet.Builder old = UnknownFieldSet.newBuilder();
        double[] doubles = {dirReturn, dOpt, dDir};
        for (int i = 0; i < doubles.length; i++) {
            if (Double.doubleToRawLongBits(doubles[i]) != 0) {
                old.addField(4 + i, fixed64(doubles[i]));
            }
        }
        old.addField(7, varint(candidates));
        if (firstImprovement != 0) {
            old.addField(9, varint(firstImprovement));
        }
        if (gradientNorm != 0) {
            old.addField(10, fixed64(gradientNorm));
        }
        return UpdateMetrics.newBuilder().setUpdate(update).setInteractions(40 * (update + 1)).setUpdateReturn(-0.5)
                .setSearchInteractions(40).setUnknownFields(old.build()).build();
    }

    @Test
    void oldRowsReadIntoTheOptionalFieldsAndNewRowsStayAsWritten(@TempDir Path dir) throws Exception {
        UpdateMetrics improved = oldRow(0, 1.0, -2.5, 0.75, 12, 17, 0.3);
        UpdateMetrics stalled = oldRow(1, -0.5, 0.0, 0.0, 1, -1, 0.0);  // nothing improved: zeros left out
        UpdateMetrics reinforce = oldRow(2, Double.NaN, Double.NaN, Double.NaN, -1, -1, 0.8);
        UpdateMetrics ucb = oldRow(3, Double.NaN, Double.NaN, Double.NaN, -1, -1, Double.NaN);
        UpdateMetrics fresh = UpdateMetrics.newBuilder().setUpdate(4).setInteractions(200).setUpdateReturn(1.0)
                .setSearchInteractions(40).setDOpt(0.0).setCandidates(3).setGradientNorm(0.0).build();
        try (RunStore store = new RunStore(dir)) {
            store.appendMetrics("run-1", List.of(improved, stalled, reinforce, ucb, fresh), 0, 1000);
            store.commit();
            List<UpdateMetrics> read = store.readMetrics("run-1", 0, 10, 10);

            UpdateMetrics a = read.get(0);
            assertEquals(List.of(1.0, -2.5, 0.75, 0.3), List.of(a.getDirReturn(), a.getDOpt(), a.getDDir(), a.getGradientNorm()));
            assertEquals(12, a.getCandidates());
            assertEquals(17, a.getFirstImprovement());
            assertTrue(a.getUnknownFields().asMap().isEmpty(), "the old numbers are gone: " + a.getUnknownFields());

            UpdateMetrics b = read.get(1);
            assertTrue(b.hasDOpt() && b.hasDDir() && b.hasGradientNorm(), "an omitted old zero is a measured 0: " + b);
            assertEquals(0.0, b.getGradientNorm());
            assertEquals(1, b.getCandidates());
            assertFalse(b.hasFirstImprovement(), "-1 (nothing improved) is absent");

            UpdateMetrics r = read.get(2);
            assertFalse(r.hasDirReturn() || r.hasDOpt() || r.hasDDir() || r.hasCandidates() || r.hasFirstImprovement(),
                    "REINFORCE measures none of the DirPG fields: " + r);
            assertEquals(0.8, r.getGradientNorm());

            assertFalse(read.get(3).hasGradientNorm(), "UCB has no gradient");
            assertEquals(-0.5, read.get(3).getUpdateReturn());

            assertEquals(fresh, read.get(4));
        }
    }
}
