package org.dirpg.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.dirpg.proto.tensorboard.Event;
import org.dirpg.proto.tensorboard.Summary;

/** Reads event files back for tests, checking both CRCs of every record. */
public final class EventFiles {
    private EventFiles() {
    }

    /** The events of one file, in order. */
    public static List<Event> read(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (b.hasRemaining()) {
            int start = b.position();
            long length = b.getLong();
            assertEquals(TfRecords.maskedCrc32c(b.array(), start, 8), b.getInt(), "length CRC of record " + events.size());
            byte[] data = new byte[(int) length];
            b.get(data);
            assertEquals(TfRecords.maskedCrc32c(data, 0, data.length), b.getInt(), "data CRC of record " + events.size());
            events.add(Event.parseFrom(data));
        }
        return events;
    }

    /** The only event file in {@code dir}. */
    public static Path only(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> events = files.filter(p -> p.getFileName().toString().startsWith(EventFileWriter.PREFIX)).toList();
            assertEquals(1, events.size(), "event files in " + dir + ": " + events);
            return events.get(0);
        }
    }

    /** The values of {@code tag} by step in the only event file of {@code dir}. */
    public static Map<Long, Float> scalars(Path dir, String tag) throws Exception {
        Map<Long, Float> out = new TreeMap<>();
        for (Event e : read(only(dir))) {
            for (Summary.Value v : e.getSummary().getValueList()) {
                if (v.getTag().equals(tag)) {
                    out.put(e.getStep(), v.getSimpleValue());
                }
            }
        }
        return out;
    }
}
