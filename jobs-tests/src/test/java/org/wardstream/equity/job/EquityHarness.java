package org.wardstream.equity.job;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/** Small helpers of the per-patient-day operator's harness tests (local days in Europe/London, epoch ms). */
final class EquityHarness {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final long MIN = 60_000L;

    private EquityHarness() {
    }

    static long localStart(String date) {
        return LocalDate.parse(date).atStartOfDay(LONDON).toInstant().toEpochMilli();
    }

    static Instant at(long ms) {
        return Instant.ofEpochMilli(ms);
    }

    /** The operator in Flink's keyed harness (keyed by programme and pseudonym), opened. */
    static KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> opened(PatientDayFunction f)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(f, EquityInput::key, Types.STRING);
        h.open();
        return h;
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h, EquityInput in)
            throws Exception {
        h.processElement(new StreamRecord<>(in, in.time));
    }
}
