package org.wardstream.equity.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.equity.disclosure.PublishedRow;

/**
 * Adversarial probe 19a, D10 (fixed: a UTF-8 byte-order mark before the header is skipped): an aggregates CSV saved again by a spreadsheet ("CSV UTF-8", which starts the file with
 * a byte-order mark) is refused as "not an aggregates CSV, missing columns [programme]".
 *
 * <p>A commissioner opens {@code aggregates.csv} in Excel (the usual way to look at it), saves it, and runs
 * {@code wardstream report --aggregates} on it: measured, exit 2 with "its header is not
 * programme,window_start,window_end,granularity,..." although the header is exactly that: Jackson reads the first
 * column's name as U+FEFF + "programme". Expected: the byte-order mark ignored (it is not data), the same rows read.
 */
class ByteOrderMarkCsvTest {
    @Test
    void aByteOrderMarkBeforeTheHeaderIsNotData(@TempDir Path dir) throws Exception {
        List<PublishedRow> rows = AggregatesCsvTest.published();
        Path plain = dir.resolve("aggregates.csv");
        AggregatesCsv.write(plain, rows);
        Path saved = dir.resolve("aggregates-saved.csv");
        byte[] text = Files.readAllBytes(plain);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        Files.write(saved, withBom);
        assertThat(new String(withBom, StandardCharsets.UTF_8)).startsWith("\uFEFFprogramme,");

        String error = null;
        List<PublishedRow> read = null;
        try {
            read = AggregatesCsv.read(saved);
        } catch (java.io.IOException e) {
            error = e.getMessage();
        }
        System.out.println("read with a byte-order mark: " + (error != null ? "refused: " + error : read.size() + " rows"));
        assertThat(error).as("the file a spreadsheet saved").isNull();
        assertThat(read).isEqualTo(AggregatesCsv.read(plain));
    }
}
