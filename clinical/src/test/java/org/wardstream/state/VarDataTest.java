package org.wardstream.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** {@link VarDataOutput} and {@link VarDataInput} are exact inverses for every value, edge cases included. */
class VarDataTest {
    private static final long[] LONGS = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, 0, 1, -1,
            (1L << 36) - 1, -(1L << 36) + 1, 1L << 36, -(1L << 36), 1_772_441_760_000L, 1_772_441_760_001L,
            -1_772_441_760_000L, Long.MAX_VALUE - 1, 1L << 62, -(1L << 62)};
    private static final int[] INTS = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, 1, -1, 300, 65_535, -65_536};
    private static final int[] SHORTS = {0, 0xFFFF, 1, 0x8000, 0x7FFF, 812, 790, 0, 65_535, -1};

    @Test
    void everyLongIntAndShortComesBackInAnyOrder() throws IOException {
        SplittableRandom random = new SplittableRandom(19);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(40);
            long[] longs = new long[n];
            int[] ints = new int[n];
            int[] shorts = new int[n];
            for (int i = 0; i < n; i++) {
                longs[i] = switch (random.nextInt(4)) {
                    case 0 -> LONGS[random.nextInt(LONGS.length)];
                    case 1 -> random.nextLong();
                    case 2 -> 1_772_000_000_000L + random.nextInt(1_000_000_000);
                    default -> random.nextInt(-5_000, 5_000);
                };
                ints[i] = random.nextBoolean() ? INTS[random.nextInt(INTS.length)] : random.nextInt();
                shorts[i] = random.nextBoolean() ? SHORTS[random.nextInt(SHORTS.length)] : random.nextInt(300, 2_000);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            VarDataOutput out = new VarDataOutput(new DataOutputStream(bytes));
            for (int i = 0; i < n; i++) {
                out.writeLong(longs[i]);
                out.writeInt(ints[i]);
                out.writeShort(shorts[i]);
                out.writeFloat(Float.NaN);
                out.writeByte(7);
            }
            VarDataInput in = new VarDataInput(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            for (int i = 0; i < n; i++) {
                assertThat(in.readLong()).isEqualTo(longs[i]);
                assertThat(in.readInt()).isEqualTo(ints[i]);
                if (i % 2 == 0) {
                    assertThat(in.readUnsignedShort()).isEqualTo(shorts[i] & 0xFFFF);
                } else {
                    assertThat(in.readShort()).isEqualTo((short) shorts[i]);
                }
                assertThat(in.readFloat()).isNaN();
                assertThat(in.readByte()).isEqualTo((byte) 7);
            }
        }
    }

    @Test
    void noTimeAndNearbyTimesAreSmall() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VarDataOutput out = new VarDataOutput(new DataOutputStream(bytes));
        out.writeLong(Long.MIN_VALUE);
        assertThat(bytes.size()).isEqualTo(1);
        out.writeLong(1_772_441_760_000L);
        int first = bytes.size();
        out.writeLong(1_772_441_761_000L); // a second later
        assertThat(bytes.size() - first).isEqualTo(2);
    }
}
