package org.wardstream.bench;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Forwards elements unchanged and watermarks up to {@code cap} only. A bounded in-memory source ends with the
 * maximum watermark, which would fire every event-time timer the detector will ever register (re-notifications
 * of open episodes re-arm themselves, so that never ends); capped, the detection stage ends where a live job's
 * watermark would stand after the same input.
 */
final class WatermarkCap<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;
    private final long cap;
    private long forwarded = Long.MIN_VALUE;

    WatermarkCap(long cap) {
        this.cap = cap;
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long t = Math.min(mark.getTimestamp(), cap);
        if (t > forwarded) {
            forwarded = t;
            super.processWatermark(new Watermark(t));
        }
    }
}
