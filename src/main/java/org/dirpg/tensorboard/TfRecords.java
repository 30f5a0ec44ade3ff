package org.dirpg.tensorboard;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard event files: each record is
 * <pre>uint64 length | uint32 masked_crc32c(length) | byte data[length] | uint32 masked_crc32c(data)</pre>
 * all little-endian, where {@code masked_crc32c(x) = rotr15(crc32c(x)) + 0xa282ead8} (tensorflow/core/lib/hash/crc32c.h:
 * the mask keeps a CRC of data that itself holds CRCs from being trivially zero). CRC32C (Castagnoli) is the JDK's
 * {@link CRC32C}.
 */
public final class TfRecords {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecords() {
    }

    /** The masked CRC32C of {@code data[offset, offset + length)}. */
    public static int maskedCrc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    /** Writes {@code data} as one record. */
    public static void write(OutputStream out, byte[] data) throws IOException {
        byte[] header = new byte[12];
        long length = data.length;
        for (int i = 0; i < 8; i++) {
            header[i] = (byte) (length >>> (8 * i));
        }
        putInt(header, 8, maskedCrc32c(header, 0, 8));
        byte[] footer = new byte[4];
        putInt(footer, 0, maskedCrc32c(data, 0, data.length));
        out.write(header);
        out.write(data);
        out.write(footer);
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
