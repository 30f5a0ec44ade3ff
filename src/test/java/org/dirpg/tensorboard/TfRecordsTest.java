package org.dirpg.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dirpg.proto.tensorboard.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TFRecord framing against known vectors (CRC32C of "123456789" is 0xE3069283, the check value of the
 * Castagnoli polynomial; the masked values are those of TensorBoard's own masked_crc32c), and an event file read back
 * record by record: the version record first, then the scalars, absent values left out.
 */
class TfRecordsTest {
    private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

    @Test
    void maskedCrc32cMatchesKnownVectors() {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(CHECK);
        assertEquals(0xE3069283L, crc.getValue());
        assertEquals(0xc78ab0e5, TfRecords.maskedCrc32c(CHECK, 0, CHECK.length));
        assertEquals(0xa282ead8, TfRecords.maskedCrc32c(new byte[0], 0, 0));
        byte[] length24 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(24).array();
        assertEquals(0x224b7fa3, TfRecords.maskedCrc32c(length24, 0, 8));
    }

    @Test
    void aRecordIsLengthCrcDataCrc() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TfRecords.write(out, CHECK);
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8 + 4 + 9 + 4, b.remaining());
        assertEquals(9, b.getLong());
        assertEquals(TfRecords.maskedCrc32c(out.toByteArray(), 0, 8), b.getInt());
        byte[] data = new byte[9];
        b.get(data);
        assertEquals("123456789", new String(data, StandardCharsets.US_ASCII));
        assertEquals(0xc78ab0e5, b.getInt());
    }

    @Test
    void anEventFileStartsWithItsVersionAndHoldsTheFiniteScalars(@TempDir Path dir) throws Exception {
        Path file;
        try (EventFileWriter w = EventFileWriter.create(dir.resolve("run"))) {
            file = w.file();
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("train/return", 0.0);
            v.put("train/d_opt", Double.NaN);
            v.put("train/gradient_norm", 1.25);
            w.scalars(7, v);
            w.scalars(8, Map.of("train/d_opt", Double.NaN));
        }
        assertTrue(file.getFileName().toString().matches("events\\.out\\.tfevents\\.[0-9]{10}\\..+"), file.toString());
        List<Event> events = EventFiles.read(file);
        assertEquals(2, events.size(), "the version and one summary (step 8 had nothing finite): " + events);
        assertEquals("brain.Event:2", events.get(0).getFileVersion());
        Event e = events.get(1);
        assertEquals(7, e.getStep());
        assertEquals(2, e.getSummary().getValueCount());
        assertEquals("train/return", e.getSummary().getValue(0).getTag());
        assertTrue(e.getSummary().getValue(0).hasSimpleValue(), "0.0 is written, not dropped as a proto3 default");
        assertEquals(0.0f, e.getSummary().getValue(0).getSimpleValue());
        assertEquals("train/gradient_norm", e.getSummary().getValue(1).getTag());
        assertEquals(1.25f, e.getSummary().getValue(1).getSimpleValue());
        try (EventFileWriter second = EventFileWriter.create(dir.resolve("run"))) {
            assertTrue(!second.file().equals(file), "a second writer in the same second gets its own file");
        }
    }
}
