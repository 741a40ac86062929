package org.wardstream.detect;

import java.io.IOException;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.wardstream.detector.DetectorState;

/**
 * Flink serializer of a patient's {@link DetectorState} as an object: on the heap state backend the detector reads
 * and updates the object itself (no decode and encode per reading; the heap backend copies it before changing it
 * while a snapshot runs), and the bytes are written only in checkpoints. On the wire: the length (int) and the
 * state's own versioned bytes ({@link DetectorState#toBytes}), so format changes stay inside {@code DetectorState}.
 */
public final class DetectorStateSerializer extends TypeSerializerSingleton<DetectorState> {
    private static final long serialVersionUID = 1L;
    public static final DetectorStateSerializer INSTANCE = new DetectorStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public DetectorState createInstance() {
        return new DetectorState();
    }

    @Override
    public DetectorState copy(DetectorState from) {
        return DetectorState.fromBytes(from.toBytes());
    }

    @Override
    public DetectorState copy(DetectorState from, DetectorState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DetectorState record, DataOutputView target) throws IOException {
        byte[] bytes = record.toBytes();
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public DetectorState deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        return DetectorState.fromBytes(bytes);
    }

    @Override
    public DetectorState deserialize(DetectorState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public TypeSerializerSnapshot<DetectorState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration: its format versions live in the state's bytes. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DetectorState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
