package org.wardstream.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.RrIntervalBatch;

/** Issue 15 item 1: a record that declares more than it carries is refused before Avro allocates. */
class BoundedDecodeTest {
    final AvroCodec<DeviceEvent> codec = AvroCodec.deviceEvents();

    @Test
    void theEighteenByteHugeStringRecordIsRefusedNotAnOutOfMemoryError() {
        byte[] bytes = CraftedRecords.hugeString();
        assertThat(bytes).hasSize(18);
        DecodeException e = catchThrowableOfType(DecodeException.class, () -> codec.decode(bytes));
        assertThat(e.kind()).isEqualTo(DecodeException.Kind.OVER_LIMIT);
        assertThat(e.getMessage()).contains("string of 2000000000 bytes");
    }

    @Test
    void theFortyByteHugeArrayRecordIsRefused() {
        byte[] bytes = CraftedRecords.hugeArray();
        assertThat(bytes).hasSize(40);
        DecodeException e = catchThrowableOfType(DecodeException.class, () -> codec.decode(bytes));
        assertThat(e.kind()).isEqualTo(DecodeException.Kind.OVER_LIMIT);
        assertThat(e.getMessage()).contains("array or map of 2147483000");
    }

    @Test
    void aLengthWithinTheLimitButBeyondTheBytesPresentIsCorruptNotAllocated() {
        DecodeLimits generous = new DecodeLimits(1024, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 32);
        DecodeException s = catchThrowableOfType(DecodeException.class,
                () -> codec.withLimits(generous).decode(CraftedRecords.hugeString()));
        assertThat(s.kind()).isEqualTo(DecodeException.Kind.NOT_DECODABLE);
        DecodeException a = catchThrowableOfType(DecodeException.class,
                () -> codec.withLimits(generous).decode(CraftedRecords.hugeArray()));
        assertThat(a.kind()).isEqualTo(DecodeException.Kind.NOT_DECODABLE);
        assertThat(a.getMessage()).contains("declares 2147483000 items");
    }

    @Test
    void aRecordOverTheSizeLimitIsRefusedBeforeDecoding() throws Exception {
        DeviceEvent big = rrBatch(5_000);
        byte[] bytes = codec.encode(big);
        assertThat(codec.decode(bytes)).isEqualTo(big); // within the defaults
        DecodeLimits small = new DecodeLimits(bytes.length - 1, 1024, 1024, 100_000, 32);
        DecodeException e = catchThrowableOfType(DecodeException.class, () -> codec.withLimits(small).decode(bytes));
        assertThat(e.kind()).isEqualTo(DecodeException.Kind.OVER_LIMIT);
        DecodeLimits fewItems = new DecodeLimits(1 << 20, 1024, 1024, 4_999, 32);
        assertThat(catchThrowableOfType(DecodeException.class, () -> codec.withLimits(fewItems).decode(bytes)).kind())
                .isEqualTo(DecodeException.Kind.OVER_LIMIT);
    }

    @Test
    void everyValidContractStillDecodesWithTheDefaults() throws Exception {
        DeviceEvent rr = AvroCodecTest.rrEvent();
        assertThat(codec.decode(codec.encode(rr))).isEqualTo(rr);
        DeviceEvent largest = rrBatch(10_000); // the validator's own maximum batch
        assertThat(codec.decode(codec.encode(largest))).isEqualTo(largest);
    }

    private static DeviceEvent rrBatch(int n) {
        return DeviceEvent.newBuilder(AvroCodecTest.rrEvent())
                .setPayload(RrIntervalBatch.newBuilder().setStart(AvroCodecTest.T)
                        .setRrMs(Collections.nCopies(n, 800))
                        .setQuality(List.copyOf(Collections.nCopies(n, BeatQuality.CLEAN))).build())
                .build();
    }
}
