package org.wardstream.equity.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.wardstream.equity.disclosure.PublishedRow;

/** The published view as CSV (header {@link PublishedRow#COLUMNS}, RFC 4180 via commons-csv). */
public final class AggregatesCsv {
    private AggregatesCsv() {
    }

    public static void write(Path file, List<PublishedRow> rows) throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static List<PublishedRow> read(Path file) throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
